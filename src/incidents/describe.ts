/**
 * The domain's words for an incident: a revision ("revision 2 (1.4.2)"), where a closed incident
 * stands ("This proposal was dismissed by …"), and what a cancelled run left behind. Each sentence
 * is written once here and reused by the Slack message, the audit record and the postmortem, so
 * they cannot tell different stories (DESIGN.md invariant 11). Plain text plus Slack mentions
 * (`<@U…>`) that rollbot builds from ids; never user text.
 */
import { approverRefusal, describeApprovers } from '../policy/approval.js';
import type { Runbook } from '../runbooks/schema.js';
import type { Incident, RevisionInfo, StopSummary } from './incident.js';
import type { Actor, IncidentEvent, Move, Refusal } from './lifecycle.js';

/** The tag of an image reference: "1.4.2", or a short digest "@sha256:0123456789ab". */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  if (at >= 0) return image.slice(at, at + 20);
  const colon = image.lastIndexOf(':');
  return colon > image.lastIndexOf('/') ? image.slice(colon + 1) : 'latest';
}

/** "revision 2 (1.4.2)", tags of every distinct image. */
export function revisionText(rev: Pick<RevisionInfo, 'revision' | 'images'>): string {
  const tags = [...new Set(rev.images.map(imageTag))].join(', ');
  const shown = tags.length > 60 ? `${tags.slice(0, 59)}…` : tags;
  return shown ? `revision ${rev.revision} (${shown})` : `revision ${rev.revision}`;
}

const hhmmss = (ms: number) => new Date(ms).toISOString().slice(11, 19) + ' UTC';
const mention = (id: string) => `<@${id}>`;

/** Why a move is not possible from where the incident stands (the "already …" answers). */
export function describeState(incident: Incident): string {
  const who = incident.approvals.map((a) => mention(a.id)).join(', ');
  switch (incident.state) {
    case 'proposed':
      return 'This proposal is still waiting for approval.';
    case 'approved':
    case 'running':
    case 'succeeded':
    case 'failed':
      return `Already approved by ${who} at ${hhmmss(incident.approvedAt ?? incident.updatedAt)} (now ${incident.state}).`;
    case 'dismissed':
    case 'cancelled':
      return `This proposal was ${incident.state}${incident.closedBy ? ` by ${mention(incident.closedBy.id)}` : ''} at ${hhmmss(incident.updatedAt)}.`;
    case 'superseded':
      return incident.supersededBy
        ? `This proposal was replaced by a fresh one (incident ${incident.supersededBy}): approve that one.`
        : 'This proposal was replaced by a fresh one.';
    case 'expired':
      return 'This proposal expired without approval.';
  }
}

/**
 * What a run stopped by a cancel did to the cluster, and what on-call should do next. After the
 * undo applied, "cancelled" alone would hide that the Deployment was changed and never verified.
 */
export function describeStop(incident: Incident): StopSummary {
  const steps = incident.execution?.steps ?? [];
  const ref = `${incident.plan.namespace}/${incident.plan.deployment}`;
  const undo = steps.find((s) => s.type === 'k8s.rolloutUndo');
  // A skipped undo in an approved run means rollbot's own earlier PATCH landed (a resumed run):
  // approvable plans are never no-ops. Runbooks without an undo step changed the cluster if any
  // action step (other than a Slack note) completed.
  const changed = undo
    ? undo.status === 'succeeded' || undo.status === 'skipped'
    : steps.some((s) => s.phase === 'steps' && s.status === 'succeeded' && s.type !== 'slack.notify');
  if (!changed) {
    return {
      changedCluster: false,
      summary: `stopped before ${ref} was changed; nothing was rolled back`,
      next: `nothing to undo; \`/rollback ${incident.service}\` proposes a rollback again when it is needed`,
    };
  }
  const target = incident.plan.target ? revisionText(incident.plan.target) : 'the previous revision';
  const rolledOut = incident.execution?.rolloutCompleteAt !== undefined;
  const checks = steps.filter((s) => s.phase === 'verification');
  const passed = checks.filter((s) => s.status === 'succeeded');
  const verification =
    passed.length === 0
      ? 'verification did not run'
      : `verification stopped after ${passed.length} of ${checks.length} checks passed`;
  const rollout = rolledOut ? '' : ' (the rollout had not finished)';
  const unchecked = checks.filter((s) => s.status !== 'succeeded').map((s) => s.id);
  const byHand = unchecked.length ? ` — the runbook's ${unchecked.join(', ')} did not run` : '';
  return {
    changedCluster: true,
    summary: `stopped after ${ref} was rolled back to ${target}${rollout}; ${verification}`,
    next:
      (rolledOut
        ? ''
        : `watch the rollout: \`kubectl rollout status deployment/${incident.plan.deployment} -n ${incident.plan.namespace}\`; `) +
      `check ${incident.service} by hand${byHand}; it stays on ${target} until someone deploys again`,
  };
}

/** Who may make this move instead, for the person refused it (invariant 9: told why). */
export function describeWhoMay(move: Move, incident: Incident, actor: Actor, event: IncidentEvent): Refusal {
  const rb = incident.runbook.spec as Runbook;
  if (event.type === 'approve' && actor.kind === 'person') {
    const r = approverRefusal(incident, rb, actor.person.id, event.facts.groupMembers);
    if (r) return { reason: r.reason, message: r.message };
  }
  if (actor.kind === 'rollbot')
    return { reason: 'not_allowed', message: `rollbot does not ${move.event} incidents` };
  const pool = incident.emergency ? rb.approval.breakGlass?.approvers : rb.approval.approvers;
  const names = [pool ? describeApprovers(pool) : 'nobody'];
  if (!incident.emergency && rb.approval.breakGlass)
    names.push(`break-glass approvers (${describeApprovers(rb.approval.breakGlass.approvers)})`);
  if (move.who.includes('requester') && incident.origin === 'command') names.push('the requester');
  const what =
    move.event === 'dismiss'
      ? 'dismiss this proposal'
      : move.from.includes('proposed')
        ? 'cancel this proposal'
        : `stop this rollback of ${incident.service}`;
  return {
    reason: 'not_allowed',
    message: `Only ${names.join(', ')} may ${what}; you are not one of them.`,
    next: 'ask one of them, or tell them in the thread why it should stay',
  };
}
