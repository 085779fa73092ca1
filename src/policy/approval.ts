import type { Incident, Person } from '../incidents/incident.js';
import type { Approvers, Runbook } from '../runbooks/schema.js';
import type { CooldownRecord } from './cooldown.js';
import { activeFreeze } from './freeze.js';

/**
 * Who may approve what, as one pure decision: the caller gathers the facts (group membership,
 * cooldown, clock) and gets back either ok or a refusal with a machine reason (for metrics and
 * the audit) and a sentence for the person (what, why, what next).
 */
export type RefusalReason =
  | 'not_proposed'
  | 'no_target'
  | 'expired'
  | 'not_approver'
  | 'not_breakglass_approver'
  | 'requester_may_not_approve'
  | 'already_approved_by_you'
  | 'cooldown'
  | 'freeze';

export type Decision =
  | { ok: true; complete: boolean }
  | {
      ok: false;
      reason: RefusalReason;
      message: string;
      /** Freeze and cooldown: what blocks, and until when (absent for weekly windows). */
      blockedBy?: { what: string; until?: number | undefined } | undefined;
    };

export interface ApprovalFacts {
  now: number;
  /** Members of each Slack user group named by the runbook (missing = unknown, e.g. free plan). */
  groupMembers: Record<string, string[] | undefined>;
  cooldown: CooldownRecord | null;
}

const fmt = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z').replace('T', ' ');

export function describeApprovers(a: Approvers): string {
  const who = [...a.users.map((u) => `<@${u}>`), ...a.groups.map((g) => `<!subteam^${g}>`)];
  return who.join(', ') || 'nobody';
}

export function isApprover(
  a: Approvers,
  userId: string,
  groupMembers: ApprovalFacts['groupMembers'],
): boolean {
  return a.users.includes(userId) || a.groups.some((g) => groupMembers[g]?.includes(userId));
}

/** Refusals that also apply when someone asks for a rollback (before any approval). */
export function requestGate(
  runbook: Runbook,
  emergency: boolean,
  facts: Pick<ApprovalFacts, 'now' | 'cooldown'>,
): Decision {
  if (emergency) return { ok: true, complete: false };
  const c = facts.cooldown;
  if (c) {
    return {
      ok: false,
      reason: 'cooldown',
      message:
        `${runbook.service} is in its cooldown until ${fmt(c.until)}: it was rolled back at ${fmt(c.finishedAt)} ` +
        `(incident ${c.incidentId}, ${c.result}). Repeated rollbacks hide the real cause; if this cannot wait, ` +
        `use \`/rollback ${runbook.service} --emergency because …\` (break-glass, audited).`,
      blockedBy: { what: `the cooldown after incident ${c.incidentId} (${c.result})`, until: c.until },
    };
  }
  const freeze = activeFreeze(runbook.approval.freeze, facts.now);
  if (freeze) {
    return {
      ok: false,
      reason: 'freeze',
      message:
        `${runbook.service} is in a change freeze (${freeze.reason}). Rollbacks are refused until it ends; ` +
        `for an emergency use \`/rollback ${runbook.service} --emergency because …\` (break-glass, audited).`,
      blockedBy: {
        what: /freeze$/i.test(freeze.reason) ? `the ${freeze.reason}` : `the freeze (${freeze.reason})`,
        until: 'to' in freeze ? Date.parse(freeze.to) : undefined,
      },
    };
  }
  return { ok: true, complete: false };
}

/** The refusal for someone outside the approvers of this proposal (break-glass ones for an emergency). */
export function approverRefusal(
  incident: Incident,
  runbook: Runbook,
  userId: string,
  groupMembers: ApprovalFacts['groupMembers'],
): Extract<Decision, { ok: false }> | undefined {
  if (incident.emergency) {
    const bg = runbook.approval.breakGlass;
    if (bg && isApprover(bg.approvers, userId, groupMembers)) return undefined;
    return {
      ok: false,
      reason: 'not_breakglass_approver',
      message: `This is a break-glass rollback: only ${bg ? describeApprovers(bg.approvers) : 'nobody (the runbook names no break-glass approvers)'} may approve it.`,
    };
  }
  if (isApprover(runbook.approval.approvers, userId, groupMembers)) return undefined;
  return {
    ok: false,
    reason: 'not_approver',
    message: `You are not an approver for ${incident.service}. Approvers: ${describeApprovers(runbook.approval.approvers)}. Ask one of them.`,
  };
}

/** Whether the proposal can be approved at all: a target, nothing blocking it, inside its TTL. */
export function approvableRefusal(
  incident: Incident,
  runbook: Runbook,
  now: number,
): Extract<Decision, { ok: false }> | undefined {
  if (!incident.plan.target || incident.plan.noop) {
    return {
      ok: false,
      reason: 'no_target',
      message: `Nothing to approve: ${incident.plan.targetMissingReason ?? incident.plan.noop ?? 'no rollback target'}.`,
    };
  }
  if (now > incident.createdAt + runbook.approval.proposalTtl) {
    return {
      ok: false,
      reason: 'expired',
      message: `This proposal expired at ${fmt(incident.createdAt + runbook.approval.proposalTtl)}. Run \`/rollback ${incident.service}\` for a fresh one.`,
    };
  }
  return undefined;
}

/**
 * What an approver's click may still be refused for, once they are an approver: two-person
 * rule, a second click, the request gate (cooldown, freeze) at approval time.
 */
export function approvalGuard(
  incident: Incident,
  runbook: Runbook,
  user: Person,
  facts: ApprovalFacts,
): Decision {
  const unapprovable = approvableRefusal(incident, runbook, facts.now);
  if (unapprovable) return unapprovable;
  if (incident.requester?.id === user.id && !runbook.approval.requesterMayApprove) {
    return {
      ok: false,
      reason: 'requester_may_not_approve',
      message: `You requested this rollback, and ${incident.service} (${runbook.environment}) needs someone else to approve it (two-person rule).`,
    };
  }
  if (incident.approvals.some((a) => a.id === user.id)) {
    return {
      ok: false,
      reason: 'already_approved_by_you',
      message: 'You already approved this; it needs another approver.',
    };
  }
  const gate = requestGate(runbook, Boolean(incident.emergency), facts);
  if (!gate.ok) return gate;
  const required = incident.emergency ? 1 : runbook.approval.required;
  return { ok: true, complete: incident.approvals.length + 1 >= required };
}

/** The whole approval decision on a snapshot (lifecycle.ts applies the same pieces in its table order). */
export function decideApproval(
  incident: Incident,
  runbook: Runbook,
  user: Person,
  facts: ApprovalFacts,
): Decision {
  if (incident.state !== 'proposed') {
    return {
      ok: false,
      reason: 'not_proposed',
      message: `This proposal is ${incident.state}; there is nothing to approve.`,
    };
  }
  const unapprovable = approvableRefusal(incident, runbook, facts.now);
  if (unapprovable) return unapprovable;
  return (
    approverRefusal(incident, runbook, user.id, facts.groupMembers) ??
    approvalGuard(incident, runbook, user, facts)
  );
}
