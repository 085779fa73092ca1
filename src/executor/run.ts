/**
 * One execution of one incident's runbook by the replica holding the service lease: audit first,
 * then act (invariant 1); resume at the first unfinished step (invariant 4); every write to the
 * incident is fenced on this run's owner token, so a runner that lost its lease can never
 * overwrite the records of the replica that took over.
 */
import { randomBytes } from 'node:crypto';
import { asRollbotError, RollbotError } from '../core/errors.js';
import type { Incident, StepRecord } from '../incidents/incident.js';
import type { Logger } from '../log/logger.js';
import type { Runbook } from '../runbooks/schema.js';
import type { Step } from '../runbooks/steps-schema.js';
import { EffectLedger } from '../steps/effects.js';
import { interpolate } from '../steps/interpolate.js';
import type { StepResult } from '../steps/types.js';
import type { ExecutorDeps, RunOutcome } from './deps.js';
import { type Failure, failureFor } from './failure.js';
import type { HeldLease } from './lease.js';
import { ProgressThrottle } from './progress.js';
import { runStep } from './run-step.js';
import { startCooldown } from './cooldown.js';
import { Fenced, FencedIncident } from './fenced.js';
import { rideOut } from './ride-out.js';
import type { AuditEvent } from '../audit/record.js';
import { rollbot } from '../incidents/actors.js';
import type { Actor } from '../incidents/lifecycle.js';
import { Transitions } from '../incidents/transitions.js';

type Outcome = 'succeeded' | 'failed' | 'cancelled';
type Phase = StepRecord['phase'];
const CANCEL_POLL_MS = 1_000;

export class IncidentRun {
  private readonly token: string;
  private readonly doc: FencedIncident;
  private readonly actor;
  private readonly rollbot: Actor;
  private readonly transitions: Transitions;
  private readonly progress: ProgressThrottle;
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
    this.token = `${lease.owner}#${randomBytes(4).toString('hex')}`;
    this.doc = new FencedIncident(deps.records.repo, incidentId, this.token, (what, op) =>
      this.durable(what, op),
    );
    this.actor = { type: 'system' as const, name: `rollbot/${deps.replica.instanceId}` };
    this.rollbot = rollbot(this.actor.name);
    this.transitions = new Transitions({
      repo: deps.records.repo,
      // The lifecycle's audit writes ride out a failover as the run's own do.
      audit: {
        append: (event) => this.appendAudit(event as AuditEvent),
        read: (filter) => deps.records.audit.read(filter),
      },
      clock: deps.runtime.clock,
      log,
      metrics: deps.runtime.metrics,
    });
    this.progress = new ProgressThrottle({
      intervalMs: deps.replica.progressIntervalMs ?? 1_000,
      now: () => deps.runtime.clock.now(),
      write: (stepId, line) => this.doc.writeLine(stepId, line),
      emit: async (incident) => void (await deps.hooks?.onProgress?.(incident)),
      log,
    });
  }

  /** A store operation that rides out a Redis failover while the lease is ours (ride-out.ts). */
  private durable<T>(what: string, op: () => Promise<T>): Promise<T> {
    return rideOut(what, op, { lease: this.lease, maxMs: this.deps.replica.leaseTtlMs, log: this.log });
  }

  /** Appends an audit record, riding out a failover; still throws if it cannot be written. */
  private appendAudit(event: AuditEvent) {
    return this.durable(`audit ${event.action}`, () => this.deps.records.audit.append(event));
  }

  /** A lifecycle move (audited, then stored) whose store writes ride out a failover too. */
  private applyDurably(...args: Parameters<Transitions['apply']>) {
    return this.durable(`${args[1].type} the run`, () => this.transitions.apply(...args));
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
    const plan: { step: Step; phase: Phase }[] = [
      ...spec.steps.map((step) => ({ step, phase: 'steps' as const })),
      ...spec.verification.map((step) => ({ step: step as Step, phase: 'verification' as const })),
    ];
    const resuming = incident.state === 'running';
    const firstOpen = plan.find(
      ({ step }) => !isDone(incident.execution?.steps.find((r) => r.id === step.id)),
    )?.step.id;
    // Ownership and state move through the lifecycle (audited first); the step records are this
    // run's own bookkeeping, merged into whatever a previous runner left.
    const started = await this.applyDurably(
      this.incidentId,
      { type: 'start', owner: this.token, fromStep: firstOpen ?? null },
      this.rollbot,
    );
    if (!started.ok) {
      if (started.refusal.reason === 'audit_unavailable')
        return this.auditUnavailable(incident, started.refusal.message, 'start');
      return {
        status: 'not_runnable',
        incident: started.incident,
        message: `incident ${incident.id} is ${started.incident.state}`,
      };
    }
    incident = await this.doc.mutate((cur) => {
      const ex = cur.execution!;
      ex.steps = plan.map(
        ({ step, phase }) =>
          ex.steps.find((r) => r.id === step.id) ?? {
            id: step.id,
            type: step.type,
            phase,
            status: 'pending',
            attempts: 0,
          },
      );
    });
    this.log.info({ resuming, fromStep: firstOpen }, resuming ? 'resuming rollback' : 'starting rollback');
    this.progress.changed(incident);
    const deadline = incident.execution!.startedAt! + spec.timeout;

    const cancelPoll = setInterval(() => void this.pollCancel(), CANCEL_POLL_MS);
    cancelPoll.unref();
    try {
      for (const { step, phase } of plan) {
        const rec = record(incident, step.id);
        if (isDone(rec)) continue;
        if (rec.status === 'failed') {
          return this.finish('failed', {
            step: step.id,
            message: rec.error?.message ?? 'step failed',
            hint: rec.error?.hint,
          });
        }
        if (this.lease.lost) return this.interrupted(incident, `lease lost: ${this.lease.lost}`);
        if (isStopping()) return this.interrupted(incident, 'shutting down: lease handed back');
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
    try {
      await this.appendAudit({
        action: 'step.started',
        actor: this.actor,
        incidentId: incident.id,
        service: incident.service,
        details: { step: step.id, type: step.type, phase, attempt: record(incident, step.id).attempts + 1 },
      });
    } catch (err) {
      return { outcome: await this.auditUnavailable(incident, err, `step ${step.id}`) };
    }
    const startedAt = clock.now();
    incident = await this.doc.mutate((cur) =>
      Object.assign(record(cur, step.id), {
        status: 'running',
        startedAt,
        finishedAt: undefined,
        error: undefined,
        summary: undefined,
      }),
    );
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
          incident = await this.doc.mutate((cur) => (record(cur, step.id).attempts += 1));
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
    if (error && this.shutdownAborted)
      return {
        outcome: this.interrupted(incident, 'shutdown grace ran out mid-step; the step re-runs on resume'),
      };
    if (error?.code === 'cancelled' && this.stepAbort.signal.aborted) {
      incident = await this.doc.mutate((cur) =>
        Object.assign(record(cur, step.id), { status: 'pending', summary: 'cancelled while running' }),
      );
      return { outcome: await this.finish('cancelled') };
    }
    if (error) return { outcome: await this.stepFailed(incident, step, error, where) };
    const status = result!.skipped ? 'skipped' : 'succeeded';
    const finishedAt = clock.now();
    incident = await this.doc.mutate((cur) => {
      Object.assign(record(cur, step.id), {
        status,
        finishedAt,
        summary: result!.summary,
        output: result!.output,
      });
      if (step.type === 'k8s.waitRollout') cur.execution!.rolloutCompleteAt = finishedAt;
    });
    log.info({ status, summary: result!.summary, ms: finishedAt - startedAt }, `step ${status}`);
    await this.auditQuietly(status === 'skipped' ? 'step.skipped' : 'step.succeeded', incident, {
      step: step.id,
      type: step.type,
      summary: result!.summary,
    });
    this.progress.changed(incident);
    return { incident };
  }

  private async stepFailed(
    incident: Incident,
    step: Step,
    err: RollbotError,
    where: Omit<Parameters<typeof failureFor>[1], 'rolledOut'>,
  ): Promise<RunOutcome> {
    const failure = failureFor(err, {
      ...where,
      rolledOut: incident.execution?.rolloutCompleteAt !== undefined,
    });
    const at = this.deps.runtime.clock.now();
    incident = await this.doc.mutate((cur) =>
      Object.assign(record(cur, step.id), {
        status: 'failed',
        finishedAt: at,
        summary: err.message,
        error: { code: err.code, message: err.message, hint: failure.hint },
      }),
    );
    this.log.warn({ step: step.id, code: err.code, err: err.message }, 'step failed');
    await this.auditQuietly('step.failed', incident, {
      step: step.id,
      type: step.type,
      code: err.code,
      message: err.message,
    });
    return this.finish('failed', failure);
  }

  /** Audits the outcome, then closes the incident; if the audit fails it stays running (resumed later). */
  private async finish(outcome: Outcome, failure?: Failure): Promise<RunOutcome> {
    const { clock, metrics } = this.deps.runtime;
    const current = await this.doc.fresh();
    const ended = await this.applyDurably(
      this.incidentId,
      outcome === 'cancelled' ? { type: 'stop' } : { type: 'finish', outcome, failure },
      this.rollbot,
      { fence: (cur) => cur.execution?.owner === this.token && cur.state === 'running' },
    );
    if (!ended.ok) {
      if (ended.refusal.reason === 'audit_unavailable')
        return this.auditUnavailable(current, ended.refusal.message, `rollback.${outcome}`);
      return this.interrupted(ended.incident, ended.refusal.message);
    }
    const incident = ended.incident;
    const at = incident.execution?.finishedAt ?? clock.now();
    metrics.rollbacks.inc({ service: incident.service, result: outcome });
    if (outcome !== 'cancelled') await startCooldown(this.deps.hooks, incident, outcome, at, this.log);
    if (outcome === 'succeeded')
      metrics.timeToRollback.observe(
        { service: incident.service },
        (at - (incident.alerts?.firstAt ?? incident.createdAt)) / 1000,
      );
    this.log.info({ outcome, failure }, `rollback ${outcome}`);
    this.progress.changed(incident);
    await this.progress.close();
    try {
      await this.deps.hooks?.onFinished?.(incident);
    } catch (err) {
      this.log.warn({ err }, 'onFinished hook failed');
    }
    return { status: 'finished', incident };
  }

  private async auditUnavailable(incident: Incident, err: unknown, what: string): Promise<RunOutcome> {
    this.log.error(
      { err: typeof err === 'string' ? err : asRollbotError(err).message, what },
      'audit record could not be written: nothing done, left for a later resume',
    );
    return { status: 'interrupted', incident, reason: `audit unavailable before ${what}` };
  }

  private interrupted(incident: Incident, reason: string): RunOutcome {
    this.log.warn({ reason }, 'rollback interrupted; it resumes from the first unfinished step');
    return { status: 'interrupted', incident, reason };
  }

  private async auditQuietly(
    action: 'step.succeeded' | 'step.skipped' | 'step.failed',
    incident: Incident,
    details: Record<string, unknown>,
  ): Promise<void> {
    try {
      await this.appendAudit({
        action,
        actor: this.actor,
        incidentId: incident.id,
        service: incident.service,
        details,
      });
    } catch (err) {
      // The step already happened and its result is on the incident; the next action's audit gates.
      this.log.error(
        { err: asRollbotError(err).message, action },
        'audit record of a step result could not be written',
      );
    }
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

function record(incident: Incident, stepId: string): StepRecord {
  const rec = incident.execution?.steps.find((r) => r.id === stepId);
  if (!rec) throw new Error(`step record ${stepId} missing`);
  return rec;
}

function isDone(rec: StepRecord | undefined): boolean {
  return rec?.status === 'succeeded' || rec?.status === 'skipped';
}
