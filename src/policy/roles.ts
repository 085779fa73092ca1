import type { Incident } from '../incidents/incident.js';
import type { Runbook } from '../runbooks/schema.js';
import { type ApprovalFacts, isApprover } from './approval.js';

/**
 * The roles a person holds on one incident, which the lifecycle table (incidents/lifecycle.ts)
 * checks for every move. `approver` means an approver *of this proposal*: the runbook's approvers,
 * or for an emergency (break-glass) proposal its break-glass approvers. `requester` is held only on
 * a proposal that person's own `/rollback` created (an alert-born proposal has no requester).
 */
export type Role = 'approver' | 'breakglass' | 'requester';

export function rolesOf(
  userId: string,
  incident: Pick<Incident, 'emergency' | 'origin' | 'requester'>,
  runbook: Runbook,
  groupMembers: ApprovalFacts['groupMembers'],
): Role[] {
  const roles: Role[] = [];
  const bg = runbook.approval.breakGlass;
  const breakGlass = bg !== undefined && isApprover(bg.approvers, userId, groupMembers);
  const approver = incident.emergency
    ? breakGlass
    : isApprover(runbook.approval.approvers, userId, groupMembers);
  if (approver) roles.push('approver');
  if (breakGlass) roles.push('breakglass');
  if (incident.origin === 'command' && incident.requester?.id === userId) roles.push('requester');
  return roles;
}

/** The Slack user groups whose members decide roles on this runbook's incidents. */
export function groupsOf(runbook: Runbook): string[] {
  return [...runbook.approval.approvers.groups, ...(runbook.approval.breakGlass?.approvers.groups ?? [])];
}
