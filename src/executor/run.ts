/**
 * One execution of one incident's runbook by the replica holding the service lease — the run's
 * lifecycle: start (or resume at the first unfinished step, invariant 4), each step in turn under
 * its policy, cancellation and shutdown between and during steps. Audit first, then act
 * (invariant 1). Every write to the incident is fenced on this run's owner token, so a runner
 * that lost its lease can never overwrite the records of the replica that took over. Step
 * recording lives in step-book.ts, finishing in finish.ts.
 */
import { randomBytes } from 'node:crypto';
import { asRollbotError, RollbotError } from '../core/errors.js';
import { rollbot } from '../incidents/actors.js';
import type { Incident } from '../incidents/incident.js';
import { Transitions } from '../incidents/transitions.js';
import type { Logger } from '../log/logger.js';
import type { Runbook } from '../runbooks/schema.js';
import type { Step } from '../runbooks/steps-schema.js';
import { EffectLedger } from '../steps/effects.js';
import { interpolate } from '../steps/interpolate.js';
import type { StepResult } from '../steps/types.js';
import type { ExecutorDeps, RunOutcome, RunRecords } from './deps.js';
import { type Failure, failureFor } from './failure.js';
import { Fenced, FencedIncident } from './fenced.js';
import { auditUnavailable, type Finisher, finishRun, interrupted, type Outcome } from './finish.js';
import type { HeldLease } from './lease.js';
import { ProgressThrottle } from './progress.js';
import { rideOut } from './ride-out.js';
import { runStep } from './run-step.js';
import { isDone, type Phase, planOf, recordOf, StepBook } from './step-book.js';

const CANCEL_POLL_MS = 1_000;

export class IncidentRun {
  private readonly doc: FencedIncident;
  private readonly book: StepBook;
  private readonly finisher: Finisher;
  private readonly progress: ProgressThrottle;
  private readonly durable: <T>(what: string, op: () => Promise<T>) => Promise<T>;
  /** Aborts the current step: cancellation (read-only steps) or shutdown past its grace. */
  private stepAbort = new AbortController();
  private currentReadOnly = false;
  private shutdownAborted = false;

  constructor(
    private readonly deps: ExecutorDeps,
    private readonly incidentId: string,
    private readonly lease: HeldLease,
    private readonly log: Logger,
  ) {
    const { repo } = deps.records;
    const { clock, metrics } = deps.runtime;
    // Every store read and write of the run rides out a Redis failover while the lease can still be
    // its own (ride-out.ts), instead of crashing and leaving the incident to wait out the lease.
    const durable = <T>(what: string, op: () => Promise<T>): Promise<T> =>
      rideOut(what, op, { lease, maxMs: deps.replica.leaseTtlMs, log });
    this.durable = durable;
    const audit: RunRecords['audit'] = {
      append: (event) => durable(`audit ${event.action}`, () => deps.records.audit.append(event)),
      read: (filter) => durable('read the audit log', () => deps.records.audit.read(filter)),
    };
    const token = `${lease.owner}#${randomBytes(4).toString('hex')}`;
    this.doc = new FencedIncident(repo, incidentId, token, durable);
    const actor = { type: 'system' as const, name: `rollbot/${deps.replica.instanceId}` };
    this.book = new StepBook(this.doc, audit, actor, () => clock.now(), log);
    const transitions = new Transitions({ repo, audit, clock, log, metrics });
    this.finisher = {
      deps,
      transitions: {
        apply: (...move) => durable(`${move[1].type} the run`, () => transitions.apply(...move)),
      },
      rollbot: rollbot(actor.name),
      doc: this.doc,
      log,
      announce: async (incident) => {
        this.progress.changed(incident);
        await this.progress.close();
      },
    };
    this.progress = new ProgressThrottle({
      intervalMs: deps.replica.progressIntervalMs ?? 1_000,
      now: () => deps.runtime.clock.now(),
      write: (stepId, line) => this.doc.writeLine(stepId, line),
      emit: async (incident) => void (await deps.hooks?.onProgress?.(incident)),
      log,
    });
  }

  /** Shutdown past grace: abandon the current step; its record stays `running` for the resumer. */
  abortForShutdown(): void {
    this.shutdownAborted = true;
    this.stepAbort.abort(
      new RollbotError('cancelled', 'rollbot is shutting down; another replica resumes this step'),
    );
  }

  async execute(isStopping: () => boolean): Promise<RunOutcome> {
    try {
      return await this.drive(isStopping);
    } catch (err) {
      if (err instanceof Fenced)
        return {
          status: 'interrupted',
          incident: err.incident,
          reason: 'another runner owns this incident now',
        };
      throw err;
    } finally {
      await this.progress.close();
    }
  }

  private async drive(isStopping: () => boolean): Promise<RunOutcome> {
    const { repo } = this.deps.records;
    const { clock } = this.deps.runtime;
    let incident = await this.durable('read the incident', () => repo.require(this.incidentId));
    if (incident.state !== 'approved' && incident.state !== 'running') {
      return { status: 'not_runnable', incident, message: `incident ${incident.id} is ${incident.state}` };
    }
    const spec = incident.runbook.spec as Runbook;
    const plan = planOf(spec);
    const resuming = incident.state === 'running';
    const firstOpen = plan.find(
      ({ step }) => !isDone(incident.execution?.steps.find((r) => r.id === step.id)),
    )?.step.id;
    // Ownership and state move through the lifecycle (audited first); the step records are this
    // run's own bookkeeping, merged into whatever a previous runner left.
    const started = await this.finisher.transitions.apply(
      this.incidentId,
      { type: 'start', owner: this.doc.token, fromStep: firstOpen ?? null },
      this.finisher.rollbot,
    );
    if (!started.ok) {
      if (started.refusal.reason === 'audit_unavailable')
        return auditUnavailable(this.log, incident, started.refusal.message, 'start');
      return {
        status: 'not_runnable',
        incident: started.incident,
        message: `incident ${incident.id} is ${started.incident.state}`,
      };
    }
    incident = await this.book.layout(plan);
    this.log.info({ resuming, fromStep: firstOpen }, resuming ? 'resuming rollback' : 'starting rollback');
    this.progress.changed(incident);
    const deadline = incident.execution!.startedAt! + spec.timeout;

    const cancelPoll = setInterval(() => void this.pollCancel(), CANCEL_POLL_MS);
    cancelPoll.unref();
    try {
      for (const { step, phase } of plan) {
        const rec = recordOf(incident, step.id);
        if (isDone(rec)) continue;
        if (rec.status === 'failed') {
          return this.finish('failed', {
            step: step.id,
            message: rec.error?.message ?? 'step failed',
            hint: rec.error?.hint,
          });
        }
        if (this.lease.lost) return interrupted(this.log, incident, `lease lost: ${this.lease.lost}`);
        if (isStopping()) return interrupted(this.log, incident, 'shutting down: lease handed back');
        incident = await this.doc.fresh();
        if (incident.execution?.cancelRequested) return this.finish('cancelled');
        if (clock.now() >= deadline) {
          return this.finish('failed', {
            step: step.id,
            message: `the runbook timeout ran out before step "${step.id}"`,
            hint: 'check the cluster by hand and decide whether to re-run /rollback',
          });
        }
        if (phase === 'verification' && incident.execution?.rolloutCompleteAt === undefined) {
          incident = await this.doc.mutate((cur) => (cur.execution!.rolloutCompleteAt = clock.now()));
        }
        const result = await this.runOne(incident, step, phase, deadline, spec.timeout);
        if ('outcome' in result) return result.outcome;
        incident = result.incident;
      }
      return this.finish('succeeded');
    } finally {
      clearInterval(cancelPoll);
    }
  }

  /** Audits, runs and records one step. Returns the updated incident, or how the run ended. */
  private async runOne(
    incident: Incident,
    step: Step,
    phase: Phase,
    deadline: number,
    runbookTimeoutMs: number,
  ): Promise<{ incident: Incident } | { outcome: RunOutcome }> {
    const { clock, metrics } = this.deps.runtime;
    const impl = this.deps.steps.registry.get(step.type);
    const where = { step: step.id, type: step.type, phase, deployment: incident.plan.deployment };
    let params: unknown;
    try {
      if (!impl)
        throw new RollbotError('config_invalid', `no implementation for step type "${step.type}"`, {
          hint: 'this rollbot version does not know the step; upgrade or change the runbook',
        });
      params = interpolate(step.with ?? {}, incident, this.deps.steps.vars);
    } catch (err) {
      return { outcome: await this.stepFailed(incident, step, asRollbotError(err), where) };
    }
    const startedAt = clock.now();
    const marked = await this.book.started(incident, step, phase, startedAt);
    if ('auditError' in marked)
      return { outcome: auditUnavailable(this.log, incident, marked.auditError, `step ${step.id}`) };
    incident = marked;
    this.progress.changed(incident);
    this.stepAbort = new AbortController();
    this.currentReadOnly = impl!.readOnly;
    const log = this.log.child({ step: step.id, type: step.type });
    let result: StepResult | undefined;
    let error: RollbotError | undefined;
    try {
      result = await runStep({
        step,
        impl: impl!,
        params,
        clock,
        deadline,
        runbookTimeoutMs,
        external: this.stepAbort.signal,
        context: (signal, attempt) => ({
          incident,
          stepId: step.id,
          params,
          ...this.deps.steps.clients,
          clock,
          log: log.child({ attempt }),
          signal,
          progress: (line) => this.progress.step(step.id, line),
          effects: new EffectLedger(this.deps.records.store, incident.id, step.id, () => clock.now()),
        }),
        beforeAttempt: async () => {
          incident = await this.book.attempt(step.id);
        },
        onRetry: (attempt, err, delayMs) =>
          log.warn({ attempt, code: err.code, err: err.message, delayMs }, 'step failed; retrying'),
      });
    } catch (err) {
      error = asRollbotError(err);
    }
    metrics.stepDuration.observe(
      { type: step.type, result: error ? error.code : result!.skipped ? 'skipped' : 'succeeded' },
      (clock.now() - startedAt) / 1000,
    );
    if (error && this.shutdownAborted) {
      const why = 'shutdown grace ran out mid-step; the step re-runs on resume';
      return { outcome: interrupted(this.log, incident, why) };
    }
    if (error?.code === 'cancelled' && this.stepAbort.signal.aborted) {
      await this.book.interrupted(step.id, 'cancelled while running');
      return { outcome: await this.finish('cancelled') };
    }
    if (error) return { outcome: await this.stepFailed(incident, step, error, where) };
    const finishedAt = clock.now();
    incident = await this.book.succeeded(step, result!, finishedAt);
    const status = result!.skipped ? 'skipped' : 'succeeded';
    log.info({ status, summary: result!.summary, ms: finishedAt - startedAt }, `step ${status}`);
    this.progress.changed(incident);
    return { incident };
  }

  private async stepFailed(
    incident: Incident,
    step: Step,
    err: RollbotError,
    where: Omit<Parameters<typeof failureFor>[1], 'rolledOut'>,
  ): Promise<RunOutcome> {
    const rolledOut = incident.execution?.rolloutCompleteAt !== undefined;
    const failure = failureFor(err, { ...where, rolledOut });
    await this.book.failed(step, err, failure);
    return this.finish('failed', failure);
  }

  private finish(outcome: Outcome, failure?: Failure): Promise<RunOutcome> {
    return finishRun(this.finisher, outcome, failure);
  }

  private async pollCancel(): Promise<void> {
    if (!this.currentReadOnly || this.stepAbort.signal.aborted) return;
    try {
      const incident = await this.deps.records.repo.get(this.incidentId);
      const by = incident?.execution?.cancelRequested;
      if (by && this.currentReadOnly)
        this.stepAbort.abort(new RollbotError('cancelled', `cancelled by ${by.name ?? by.id}`));
    } catch {
      // The next poll or the between-steps check sees it.
    }
  }
}
