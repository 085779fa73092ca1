/**
 * The lane for message edits (chat.update), apart from everything else rollbot says in Slack.
 *
 * Why: chat.update is Tier 3 — about 50 a minute for the whole workspace, not per message — and
 * one rollback edits its message a dozen times. Twenty at once overrun it, and @slack/web-api
 * pauses its whole queue on a 429: with one client, approvals, thread replies and proposals
 * waited tens of seconds behind edits, and most messages never showed their final state.
 *
 * So edits go through this lane, over their own WebClient (no retries, 429s rejected, never
 * paused), and the lane decides what is worth sending:
 * - per message, only the newest state is kept (a newer edit replaces a queued one), and a message
 *   is edited at most once per `messageIntervalMs`;
 * - the lane stays under Slack's `perMinute` (Tier 3: 50) in any rolling minute, with a little
 *   margin (our minute and Slack's are measured at two ends of a wire); intermediate states get
 *   at most half of it, and never the edits kept for messages still owed their final state: they
 *   wait (and coalesce) rather than spend what a final state needs — under load runs last
 *   longer and produce more intermediate states, and approvals arrive after the budget was spent;
 * - final states go first; a 429 pauses the lane for Retry-After and the newest state is re-sent;
 *   other failures are retried a few times with backoff, then logged and dropped.
 */
import type { Logger } from 'pino';

export type EditKind = 'final' | 'progress' | 'other';

export interface EditLaneOptions {
  /** Slack's limit for chat.update in any rolling minute (Tier 3: 50 per workspace). */
  perMinute?: number;
  /** Minimum time between two edits of one message. */
  messageIntervalMs?: number;
  /** Attempts for an edit that fails with something other than a 429. */
  attempts?: number;
  now?: () => number;
  log?: Logger | undefined;
}

interface Pending {
  kind: EditKind;
  send: () => Promise<void>;
  since: number;
  attempt: number;
  notBefore: number;
  waiters: (() => void)[];
}

const WINDOW_MS = 60_000;
/** Final states stay this far below the limit; intermediate ones further still. */
const FINAL_MARGIN = 2;
const INTERMEDIATE_MARGIN = 5;
const INTERMEDIATE_SHARE = 0.5;
/** A message owed a final state longer than this is forgotten (its run ended elsewhere). */
const OWED_TTL_MS = 30 * 60_000;

export class EditLane {
  private readonly perMinute: number;
  private readonly intervalMs: number;
  private readonly attempts: number;
  private readonly now: () => number;
  private readonly pending = new Map<string, Pending>();
  /** Edits on the wire: message → the kind being sent. */
  private readonly inflight = new Map<string, EditKind>();
  private readonly lastSent = new Map<string, number>();
  /** Messages that showed an intermediate state and still need their final one (key → since). */
  private readonly owed = new Map<string, number>();
  /** Messages whose final state landed (key → when): a later edit (a postmortem link) is no priority. */
  private readonly finalized = new Map<string, number>();
  private sent: number[] = [];
  /** The intermediate (non-final) ones among `sent`. */
  private sentIntermediate: number[] = [];
  private pausedUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly opts: EditLaneOptions = {}) {
    this.perMinute = opts.perMinute ?? 50;
    this.intervalMs = opts.messageIntervalMs ?? 2000;
    this.attempts = opts.attempts ?? 4;
    this.now = opts.now ?? Date.now;
  }

  /**
   * Queues the newest state of message `key`; `send` performs the edit when its turn comes.
   * Resolves once this state (or a newer one) was sent, or given up on; never rejects.
   */
  submit(key: string, kind: EditKind, send: () => Promise<void>): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) {
        // Shut down: one direct attempt, nothing queued.
        void send().then(resolve, (err: unknown) => {
          this.opts.log?.warn({ err, message: key }, 'message edit after shutdown failed');
          resolve();
        });
        return;
      }
      const prev = this.pending.get(key);
      // A final state already landed or on the wire: this one (a postmortem link) is no priority.
      if (kind === 'final' && (this.finalized.has(key) || this.inflight.get(key) === 'final')) kind = 'other';
      if (kind !== 'other') this.owed.set(key, this.owed.get(key) ?? this.now());
      this.pending.set(key, {
        kind: prev?.kind === 'final' && kind !== 'final' ? 'final' : kind,
        send,
        since: prev?.since ?? this.now(),
        attempt: 0,
        notBefore: 0,
        waiters: [...(prev?.waiters ?? []), resolve],
      });
      this.pump();
    });
  }

  /** Edits queued or in flight. */
  get size(): number {
    return this.pending.size + this.inflight.size;
  }

  /**
   * Shutdown: sends what is queued now (finals first), ignoring the pacing but not a 429, for at
   * most `graceMs`; then resolves every waiter. Later submits are sent directly, once.
   */
  async close(graceMs = 5000): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    const deadline = this.now() + graceMs;
    const order = [...this.pending.entries()].sort((a, b) => rank(a[1]) - rank(b[1]));
    for (const [key, p] of order) {
      if (this.now() > deadline || this.now() < this.pausedUntil) break;
      this.pending.delete(key);
      await p
        .send()
        .catch((err: unknown) => this.opts.log?.warn({ err, message: key }, 'message edit failed'));
      p.waiters.forEach((w) => w());
    }
    for (const p of this.pending.values()) p.waiters.forEach((w) => w());
    this.pending.clear();
  }

  private pump(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    for (;;) {
      const now = this.now();
      this.sent = this.sent.filter((t) => t > now - WINDOW_MS);
      this.sentIntermediate = this.sentIntermediate.filter((t) => t > now - WINDOW_MS);
      for (const [key, since] of this.owed) if (now - since > OWED_TTL_MS) this.owed.delete(key);
      for (const [key, at] of this.finalized) if (now - at > OWED_TTL_MS) this.finalized.delete(key);
      for (const [key, at] of this.lastSent) if (now - at >= this.intervalMs) this.lastSent.delete(key);
      const next = this.pick(now);
      if (typeof next === 'number') return this.wake(next - now);
      if (!next) return;
      this.start(next, now);
    }
  }

  /** The message to edit now, or the time to look again, or nothing to do. */
  private pick(now: number): string | number | undefined {
    if (now < this.pausedUntil) return this.pausedUntil;
    let best: [string, Pending] | undefined;
    let wakeAt = Infinity;
    const windowFull = this.sent.length >= this.perMinute - FINAL_MARGIN;
    // Keep a slot for every message still owed its final state.
    const spareForIntermediate = Math.min(
      this.perMinute - INTERMEDIATE_MARGIN - this.sent.length - this.owed.size,
      Math.floor(this.perMinute * INTERMEDIATE_SHARE) - this.sentIntermediate.length,
    );
    for (const entry of this.pending) {
      const [key, p] = entry;
      if (this.inflight.has(key)) continue; // its result decides; pump runs again after
      const readyAt = Math.max(p.notBefore, (this.lastSent.get(key) ?? -Infinity) + this.intervalMs);
      if (readyAt > now) {
        wakeAt = Math.min(wakeAt, readyAt);
        continue;
      }
      const allowed = p.kind === 'final' ? !windowFull : spareForIntermediate > 0;
      if (!allowed) continue;
      if (!best || rank(p) < rank(best[1])) best = entry;
    }
    if (best) return best[0];
    if (this.pending.size > this.inflight.size && this.sent.length > 0)
      wakeAt = Math.min(wakeAt, this.sent[0]! + WINDOW_MS);
    return wakeAt === Infinity ? undefined : wakeAt;
  }

  private start(key: string, now: number): void {
    const p = this.pending.get(key)!;
    this.pending.delete(key);
    this.inflight.set(key, p.kind);
    this.lastSent.set(key, now);
    this.sent.push(now);
    if (p.kind !== 'final') this.sentIntermediate.push(now);
    p.send().then(
      () => this.done(key, p, now),
      (err: unknown) => this.failed(key, p, now, err),
    );
  }

  private done(key: string, p: Pending, sentAt: number): void {
    this.inflight.delete(key);
    // Slack counted the call when it arrived, somewhere between sending and now: counting it from
    // now keeps our minute from ending before Slack's (a busy machine makes that gap seconds).
    replaceOne(this.sent, sentAt, this.now());
    if (p.kind !== 'final') replaceOne(this.sentIntermediate, sentAt, this.now());
    if (p.kind === 'final') {
      this.finalized.set(key, this.now());
      if (!this.pending.has(key)) this.owed.delete(key);
    }
    p.waiters.forEach((w) => w());
    this.pump();
  }

  private failed(key: string, p: Pending, sentAt: number, err: unknown): void {
    this.inflight.delete(key);
    const retryAfter = retryAfterSeconds(err);
    if (retryAfter !== undefined) {
      // Refused calls do not count at Slack; the whole method is limited, so the lane waits.
      dropOne(this.sent, sentAt);
      if (p.kind !== 'final') dropOne(this.sentIntermediate, sentAt);
      this.pausedUntil = Math.max(this.pausedUntil, this.now() + retryAfter * 1000);
      this.opts.log?.warn(
        { message: key, retryAfterSeconds: retryAfter },
        'Slack rate-limited an edit; the lane waits',
      );
      this.requeue(key, p, 0);
    } else if (p.attempt + 1 < this.attempts) {
      this.opts.log?.warn({ err, message: key, attempt: p.attempt + 1 }, 'message edit failed; will retry');
      this.requeue(key, { ...p, attempt: p.attempt + 1 }, this.now() + 1000 * 2 ** p.attempt);
    } else {
      this.opts.log?.error({ err, message: key, attempts: this.attempts }, 'message edit failed; giving up');
      if (!this.pending.has(key)) this.owed.delete(key);
      p.waiters.forEach((w) => w());
    }
    this.pump();
  }

  /** Puts a failed edit back unless a newer state for the message is already queued. */
  private requeue(key: string, p: Pending, notBefore: number): void {
    const newer = this.pending.get(key);
    if (newer) {
      newer.waiters.push(...p.waiters);
      if (p.kind === 'final') newer.kind = 'final';
      return;
    }
    this.pending.set(key, { ...p, notBefore });
  }

  private wake(ms: number): void {
    this.timer = setTimeout(() => this.pump(), Math.max(0, ms));
    this.timer.unref();
  }
}

function dropOne(list: number[], value: number): void {
  const i = list.indexOf(value);
  if (i >= 0) list.splice(i, 1);
}

/** Replaces one `value` and keeps the list sorted (oldest first: the window's next expiry). */
function replaceOne(list: number[], value: number, by: number): void {
  dropOne(list, value);
  let i = list.length;
  while (i > 0 && list[i - 1]! > by) i--;
  list.splice(i, 0, by);
}

/** Finals first, then the longest-waiting. */
const rank = (p: Pending) => (p.kind === 'final' ? 0 : 1e15) + p.since;

/** Retry-After of a Slack 429, as WebClient (rejectRateLimitedCalls) or slackError reports it. */
function retryAfterSeconds(err: unknown): number | undefined {
  const e = err as { retryAfter?: unknown; details?: { retryAfterSeconds?: unknown }; cause?: unknown };
  const v = e?.details?.retryAfterSeconds ?? e?.retryAfter;
  if (typeof v === 'number' && Number.isFinite(v)) return Math.max(1, v);
  return e?.cause && e.cause !== err ? retryAfterSeconds(e.cause) : undefined;
}
