/**
 * Finishing a run: the lifecycle's finish (or stop) move — audited first, fenced on this run's
 * owner token — then what follows a finished rollback: its metrics, the service's cooldown and
 * the `onFinished` hook (progress message, postmortem). If the audit log does not take the
 * record the incident stays running and a later resume finishes it.
 */
import { asRollbotError } from '../core/errors.js';
import type { Incident } from '../incidents/incident.js';
import type { Actor } from '../incidents/lifecycle.js';
import type { Transitions } from '../incidents/transitions.js';
import type { Logger } from '../log/logger.js';
import { startCooldown } from './cooldown.js';
import type { ExecutorDeps, RunOutcome } from './deps.js';
import type { Failure } from './failure.js';
import type { FencedIncident } from './fenced.js';

export type Outcome = 'succeeded' | 'failed' | 'cancelled';

export interface Finisher {
  deps: ExecutorDeps;
  /** The lifecycle's moves (the run passes them wrapped to ride out a Redis failover). */
  transitions: Pick<Transitions, 'apply'>;
  rollbot: Actor;
  doc: FencedIncident;
  log: Logger;
  /** The last progress announcement, before the hook runs. */
  announce(incident: Incident): Promise<void>;
}

export async function finishRun(f: Finisher, outcome: Outcome, failure?: Failure): Promise<RunOutcome> {
  const { clock, metrics } = f.deps.runtime;
  const current = await f.doc.fresh();
  const ended = await f.transitions.apply(
    current.id,
    outcome === 'cancelled' ? { type: 'stop' } : { type: 'finish', outcome, failure },
    f.rollbot,
    { fence: (cur) => cur.execution?.owner === f.doc.token && cur.state === 'running' },
  );
  if (!ended.ok) {
    if (ended.refusal.reason === 'audit_unavailable')
      return auditUnavailable(f.log, current, ended.refusal.message, `rollback.${outcome}`);
    return interrupted(f.log, ended.incident, ended.refusal.message);
  }
  const incident = ended.incident;
  const at = incident.execution?.finishedAt ?? clock.now();
  metrics.rollbacks.inc({ service: incident.service, result: outcome });
  if (outcome !== 'cancelled') await startCooldown(f.deps.hooks, incident, outcome, at, f.log);
  if (outcome === 'succeeded')
    metrics.timeToRollback.observe(
      { service: incident.service },
      (at - (incident.alerts?.firstAt ?? incident.createdAt)) / 1000,
    );
  f.log.info({ outcome, failure }, `rollback ${outcome}`);
  await f.announce(incident);
  try {
    await f.deps.hooks?.onFinished?.(incident);
  } catch (err) {
    f.log.warn({ err }, 'onFinished hook failed');
  }
  return { status: 'finished', incident };
}

/** Nothing was done because the audit record could not be written; a later resume picks it up. */
export function auditUnavailable(log: Logger, incident: Incident, err: unknown, what: string): RunOutcome {
  log.error(
    { err: typeof err === 'string' ? err : asRollbotError(err).message, what },
    'audit record could not be written: nothing done, left for a later resume',
  );
  return { status: 'interrupted', incident, reason: `audit unavailable before ${what}` };
}

/** Stopped early, left running: whoever holds the lease next resumes at the first unfinished step. */
export function interrupted(log: Logger, incident: Incident, reason: string): RunOutcome {
  log.warn({ reason }, 'rollback interrupted; it resumes from the first unfinished step');
  return { status: 'interrupted', incident, reason };
}
