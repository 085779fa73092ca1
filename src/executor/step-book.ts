/**
 * Step recording: the run's bookkeeping of each step on the incident (status, attempts, times,
 * summary, output, error) and the audit record of each step event. Every write goes through the
 * fenced incident, so only the run that owns it records anything; `step.started` is audited
 * before the step acts (invariant 1), the results after, quietly (the step already happened).
 */
import { asRollbotError, type RollbotError } from '../core/errors.js';
import type { Incident, StepRecord } from '../incidents/incident.js';
import type { Logger } from '../log/logger.js';
import type { Runbook } from '../runbooks/schema.js';
import { SILENCE_STEP_IDS, type Step } from '../runbooks/steps-schema.js';
import type { StepResult } from '../steps/types.js';
import type { RunRecords } from './deps.js';
import type { Failure } from './failure.js';
import type { FencedIncident } from './fenced.js';

export type Phase = StepRecord['phase'];
export interface PlannedStep {
  step: Step;
  phase: Phase;
}

/**
 * The runbook's steps, then its verification: the order a run goes through them. With
 * `silence:`, the silence comes first (on approval, before anything changes) and its expiry
 * last, so it only runs once every check passed; a failed run leaves it to its end time.
 */
export function planOf(spec: Runbook): PlannedStep[] {
  const internal = (id: string, type: string, params: unknown) =>
    ({ id, type, with: params }) as unknown as Step;
  const silence = spec.silence;
  return [
    ...(silence
      ? [
          {
            step: internal(SILENCE_STEP_IDS.create, 'alertmanager.silence', silence),
            phase: 'steps' as const,
          },
        ]
      : []),
    ...spec.steps.map((step) => ({ step, phase: 'steps' as const })),
    ...spec.verification.map((step) => ({ step: step as Step, phase: 'verification' as const })),
    ...(silence
      ? [
          {
            step: internal(SILENCE_STEP_IDS.expire, 'alertmanager.expireSilence', { url: silence.url }),
            phase: 'verification' as const,
          },
        ]
      : []),
  ];
}

export function recordOf(incident: Incident, stepId: string): StepRecord {
  const rec = incident.execution?.steps.find((r) => r.id === stepId);
  if (!rec) throw new Error(`step record ${stepId} missing`);
  return rec;
}

export function isDone(rec: StepRecord | undefined): boolean {
  return rec?.status === 'succeeded' || rec?.status === 'skipped';
}

type Actor = { type: 'system'; name: string };

export class StepBook {
  constructor(
    private readonly doc: FencedIncident,
    private readonly audit: RunRecords['audit'],
    private readonly actor: Actor,
    private readonly now: () => number,
    private readonly log: Logger,
  ) {}

  /** One record per planned step, keeping whatever a previous runner recorded (resume). */
  layout(plan: PlannedStep[]): Promise<Incident> {
    return this.doc.mutate((cur) => {
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
  }

  /**
   * Audits `step.started`, then marks the step running. When the audit log does not take the
   * record nothing is marked (the step must not act): `{ auditError }` says why.
   */
  async started(
    incident: Incident,
    step: Step,
    phase: Phase,
    startedAt: number,
  ): Promise<Incident | { auditError: unknown }> {
    try {
      await this.audit.append({
        action: 'step.started',
        actor: this.actor,
        incidentId: incident.id,
        service: incident.service,
        details: { step: step.id, type: step.type, phase, attempt: recordOf(incident, step.id).attempts + 1 },
      });
    } catch (auditError) {
      return { auditError };
    }
    return this.doc.mutate((cur) =>
      Object.assign(recordOf(cur, step.id), {
        status: 'running',
        startedAt,
        finishedAt: undefined,
        error: undefined,
        summary: undefined,
      }),
    );
  }

  attempt(stepId: string): Promise<Incident> {
    return this.doc.mutate((cur) => (recordOf(cur, stepId).attempts += 1));
  }

  /** A read-only step stopped by a cancel: not done, so a resume would run it again. */
  interrupted(stepId: string, summary: string): Promise<Incident> {
    return this.doc.mutate((cur) => Object.assign(recordOf(cur, stepId), { status: 'pending', summary }));
  }

  async succeeded(step: Step, result: StepResult, finishedAt: number): Promise<Incident> {
    const status = result.skipped ? 'skipped' : 'succeeded';
    const incident = await this.doc.mutate((cur) => {
      Object.assign(recordOf(cur, step.id), {
        status,
        finishedAt,
        summary: result.summary,
        output: result.output,
      });
      if (step.type === 'k8s.waitRollout') cur.execution!.rolloutCompleteAt = finishedAt;
    });
    await this.auditQuietly(`step.${status}`, incident, {
      step: step.id,
      type: step.type,
      summary: result.summary,
    });
    return incident;
  }

  async failed(step: Step, err: RollbotError, failure: Failure): Promise<Incident> {
    const at = this.now();
    const incident = await this.doc.mutate((cur) =>
      Object.assign(recordOf(cur, step.id), {
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
    return incident;
  }

  private async auditQuietly(
    action: 'step.succeeded' | 'step.skipped' | 'step.failed',
    incident: Incident,
    details: Record<string, unknown>,
  ): Promise<void> {
    try {
      await this.audit.append({
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
}
