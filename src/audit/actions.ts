/**
 * Every action rollbot writes to the audit log. A typo in an action name is a compile error,
 * and the audit channel shows only the "significant" subset (one line per decision or outcome).
 */
export const AUDIT_ACTIONS = [
  'alert.received',
  'alert.deduplicated',
  'alert.unrouted',
  'alert.resolved',
  'proposal.posted',
  'proposal.failed',
  'proposal.expired',
  'proposal.dismissed',
  'proposal.superseded',
  'proposal.withdrawn',
  'proposal.cancelled',
  'rollback.requested',
  'request.refused',
  'approval.granted',
  'approval.refused',
  'dismissal.refused',
  'cancellation.refused',
  'transition.voided',
  'breakglass.invoked',
  'breakglass.approved',
  'execution.started',
  'execution.resumed',
  'step.started',
  'step.succeeded',
  'step.failed',
  'step.skipped',
  'rollback.succeeded',
  'rollback.failed',
  'rollback.cancel_requested',
  'rollback.cancelled',
  'postmortem.created',
  'audit.trimmed',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * What managers and auditors see in the audit channel: decisions and outcomes, not every step.
 * One line per cancel: the stop (`rollback.cancelled`, who asked and where it stopped), not also
 * the request before it (`rollback.cancel_requested` stays in the log).
 */
export const SIGNIFICANT_ACTIONS: ReadonlySet<string> = new Set<AuditAction>([
  'proposal.posted',
  'rollback.requested',
  'proposal.failed',
  'proposal.dismissed',
  'proposal.superseded',
  'proposal.expired',
  'proposal.withdrawn',
  'proposal.cancelled',
  'request.refused',
  'approval.granted',
  'approval.refused',
  'dismissal.refused',
  'cancellation.refused',
  'transition.voided',
  'breakglass.invoked',
  'breakglass.approved',
  'rollback.succeeded',
  'rollback.failed',
  'rollback.cancelled',
]);

export function isAuditAction(action: string): action is AuditAction {
  return (AUDIT_ACTIONS as readonly string[]).includes(action);
}

export function isSignificant(action: string): boolean {
  return SIGNIFICANT_ACTIONS.has(action);
}
