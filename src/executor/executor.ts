/**
 * Runs approved rollbacks: one per service at a time (a Redis lease), resumed by any replica once
 * the holder's lease lapses (invariant 4), handed back on graceful shutdown so another replica
 * resumes at once. The step-by-step work of one run lives in run.ts.
 */
import type { Incident } from '../incidents/incident.js';
import { incidentLogger } from '../log/logger.js';
import type { ExecutorDeps, RunOutcome } from './deps.js';
import { describeHolder, HeldLease, serviceLease } from './lease.js';
import { IncidentRun } from './run.js';

export type { ExecutorDeps, RunOutcome } from './deps.js';

const RUNNABLE = new Set<Incident['state']>(['approved', 'running']);

interface Active {
  run: IncidentRun | undefined;
  done: Promise<RunOutcome>;
}

export class Executor {
  private readonly active = new Map<string, Active>();
  private stopping = false;
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping: Promise<unknown> | undefined;

  constructor(private readonly deps: ExecutorDeps) {}

  /**
   * Executes (or resumes) an approved incident if this replica can take the service lease.
   * Resolves when the run ends; `busy` names the holder when another run has the lease.
   */
  run(incidentId: string): Promise<RunOutcome> {
    if (this.stopping)
      return Promise.resolve({ status: 'not_runnable', message: 'this rollbot replica is shutting down' });
    const existing = this.active.get(incidentId);
    if (existing) return existing.done;
    const entry: Active = { run: undefined, done: Promise.resolve(null as never) };
    entry.done = this.execute(incidentId, entry).finally(() => this.active.delete(incidentId));
    this.active.set(incidentId, entry);
    return entry.done;
  }

  private async execute(incidentId: string, entry: Active): Promise<RunOutcome> {
    const { repo, store } = this.deps.records;
    const { clock, metrics } = this.deps.runtime;
    const { leaseTtlMs, instanceId } = this.deps.replica;
    const incident = await repo.require(incidentId);
    if (!RUNNABLE.has(incident.state))
      return { status: 'not_runnable', incident, message: `incident ${incidentId} is ${incident.state}` };
    const log = incidentLogger(this.deps.runtime.log, {
      id: incident.id,
      service: incident.service,
      runbook: incident.runbook.name,
    });
    const owner = `${instanceId}:${incidentId}`;
    const taken = await HeldLease.acquire(store, serviceLease(incident.service), owner, leaseTtlMs, () =>
      clock.now(),
    );
    if ('holder' in taken) {
      const message = `a rollback of ${incident.service} is already in progress: held by ${describeHolder(taken.holder, clock.now())}`;
      log.info({ holder: taken.holder.owner }, 'service lease held elsewhere; not running');
      return { status: 'busy', holder: taken.holder, message };
    }
    const lease = taken.lease;
    lease.onLost((why) => log.error({ why }, 'lost the service lease; stopping before the next step'));
    entry.run = new IncidentRun(this.deps, incidentId, lease, log);
    metrics.inFlight.inc();
    try {
      return await entry.run.execute(() => this.stopping);
    } catch (err) {
      log.error({ err }, 'rollback run crashed; it resumes once the lease is free');
      throw err;
    } finally {
      metrics.inFlight.dec();
      await lease.release();
    }
  }

  /**
   * Picks up approved/running incidents nobody executes (their holder died and the lease lapsed,
   * or an approval whose run never started). Returns the ids started and their outcomes.
   */
  async sweep(): Promise<{ started: string[]; done: Promise<RunOutcome[]> }> {
    if (this.stopping) return { started: [], done: Promise.resolve([]) };
    const started: string[] = [];
    const runs: Promise<RunOutcome>[] = [];
    for (const incident of await this.deps.records.repo.active()) {
      if (!RUNNABLE.has(incident.state) || this.active.has(incident.id)) continue;
      if (await this.deps.records.store.getLease(serviceLease(incident.service))) continue;
      started.push(incident.id);
      runs.push(this.run(incident.id));
    }
    return { started, done: Promise.all(runs) };
  }

  /** Sweeps every `intervalMs` until stop(). */
  start(opts: { intervalMs: number }): void {
    if (this.sweepTimer) return;
    const tick = () => {
      if (this.sweeping || this.stopping) return;
      this.sweeping = this.sweep()
        .then((s) => s.done)
        .catch((err: unknown) => this.deps.runtime.log.error({ err }, 'executor sweep failed'))
        .finally(() => (this.sweeping = undefined));
    };
    this.sweepTimer = setInterval(tick, opts.intervalMs);
    this.sweepTimer.unref();
  }

  /**
   * Stops taking work; lets running steps finish for up to `graceMs`, then abandons them (they
   * re-run on resume). Leases are handed back, so another replica resumes immediately.
   */
  async stop(opts: { graceMs: number } = { graceMs: 30_000 }): Promise<void> {
    this.stopping = true;
    clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    const all = () => Promise.allSettled([...this.active.values()].map((a) => a.done));
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'grace'>(
      (resolve) => (timer = setTimeout(() => resolve('grace'), opts.graceMs)),
    );
    const first = await Promise.race([all(), graceOver]);
    clearTimeout(timer);
    if (first === 'grace') for (const a of this.active.values()) a.run?.abortForShutdown();
    await all();
    await this.sweeping;
  }

  /** Number of runs in progress in this replica. */
  get inFlight(): number {
    return this.active.size;
  }
}
