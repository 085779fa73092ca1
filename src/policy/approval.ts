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
  { ok: true; complete: boolean } | { ok: false; reason: RefusalReason; message: string };

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
    };
  }
  return { ok: true, complete: false };
}

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
  if (!incident.plan.target || incident.plan.noop) {
    return {
      ok: false,
      reason: 'no_target',
      message: `Nothing to approve: ${incident.plan.targetMissingReason ?? incident.plan.noop ?? 'no rollback target'}.`,
    };
  }
  if (facts.now > incident.createdAt + runbook.approval.proposalTtl) {
    return {
      ok: false,
      reason: 'expired',
      message: `This proposal expired at ${fmt(incident.createdAt + runbook.approval.proposalTtl)}. Run \`/rollback ${incident.service}\` for a fresh one.`,
    };
  }
  if (incident.emergency) {
    const bg = runbook.approval.breakGlass;
    if (!bg || !isApprover(bg.approvers, user.id, facts.groupMembers)) {
      return {
        ok: false,
        reason: 'not_breakglass_approver',
        message: `This is a break-glass rollback: only ${bg ? describeApprovers(bg.approvers) : 'nobody (the runbook names no break-glass approvers)'} may approve it.`,
      };
    }
  } else if (!isApprover(runbook.approval.approvers, user.id, facts.groupMembers)) {
    return {
      ok: false,
      reason: 'not_approver',
      message: `You are not an approver for ${incident.service}. Approvers: ${describeApprovers(runbook.approval.approvers)}. Ask one of them.`,
    };
  }
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
