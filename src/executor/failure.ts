/**
 * What the operator reads when a rollback fails: the step, what happened, and what to do next.
 * The hint depends on where it failed — a stale plan, a rollout that never finished, or checks
 * that failed after a good rollout (then the release is probably not the cause).
 */
import type { RollbotError } from '../core/errors.js';

export interface Failure {
  step?: string | undefined;
  message: string;
  hint?: string | undefined;
}

export function failureFor(
  err: RollbotError,
  where: {
    step: string;
    type: string;
    phase: 'steps' | 'verification';
    rolledOut: boolean;
    deployment: string;
  },
): Failure {
  return { step: where.step, message: err.message, hint: hintFor(err, where) };
}

function hintFor(err: RollbotError, where: Parameters<typeof failureFor>[1]): string {
  if (err.code === 'stale_plan') return 'a newer deploy happened; re-run /rollback to get a fresh proposal';
  if (where.phase === 'verification' && where.rolledOut) {
    return `metrics did not recover — the cause may not be this release; check dependencies${err.hint ? ` (${err.hint})` : ''}`;
  }
  if (where.type === 'k8s.waitRollout') {
    return (
      err.hint ??
      `the rolled-back pods did not become ready: kubectl -n <namespace> describe deployment/${where.deployment}, then look at the new pods' events and logs`
    );
  }
  return err.hint ?? 'see the step output and the audit log; finish the remaining steps by hand if needed';
}
