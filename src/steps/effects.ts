/**
 * Exactly-once bookkeeping for effects that are not idempotent by themselves (a Slack post, a
 * GitHub issue). A marker `effect:<incident>:<step>` is written BEFORE the call and completed with
 * the result AFTER it. A resumed step that finds the marker done replays the stored result; one
 * that finds it only started (the previous run died mid-call) does not call again: a missing
 * notification is better than a duplicate, and the step's summary says so.
 */
import type { Store } from '../store/index.js';

const TTL_MS = 30 * 24 * 3_600_000;

type Marker<T> = { state: 'started'; at: number } | { state: 'done'; at: number; result: T };

export type EffectOutcome<T> =
  | { replayed: false; result: T }
  | { replayed: true; result: T; uncertain: false }
  | { replayed: true; result?: undefined; uncertain: true; startedAt: number };

export class EffectLedger {
  constructor(
    private readonly store: Store,
    private readonly incidentId: string,
    private readonly stepId: string,
    private readonly now: () => number = Date.now,
  ) {}

  get key(): string {
    return `effect:${this.incidentId}:${this.stepId}`;
  }

  async once<T>(call: () => Promise<T>): Promise<EffectOutcome<T>> {
    const seen = await this.read<T>();
    if (seen) return replay(seen);
    const started: Marker<T> = { state: 'started', at: this.now() };
    if (!(await this.store.set(this.key, JSON.stringify(started), { ifAbsent: true, ttlMs: TTL_MS }))) {
      // Another runner got there between our read and write: never call twice.
      const raced = await this.read<T>();
      return replay(raced ?? started);
    }
    let result: T;
    try {
      result = await call();
    } catch (err) {
      // The call failed for sure (an answer came back): clear the marker so a retry may call again.
      await this.store.del(this.key).catch(() => undefined);
      throw err;
    }
    const done: Marker<T> = { state: 'done', at: this.now(), result };
    await this.store.set(this.key, JSON.stringify(done), { ttlMs: TTL_MS });
    return { replayed: false, result };
  }

  private async read<T>(): Promise<Marker<T> | null> {
    const raw = await this.store.get(this.key);
    return raw ? (JSON.parse(raw) as Marker<T>) : null;
  }
}

function replay<T>(m: Marker<T>): EffectOutcome<T> {
  return m.state === 'done'
    ? { replayed: true, result: m.result, uncertain: false }
    : { replayed: true, uncertain: true, startedAt: m.at };
}
