import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import { asRollbotError } from '../core/errors.js';
import type { Metrics } from '../metrics/registry.js';
import { type Decision, decideApproval } from '../policy/approval.js';
import type { Cooldowns } from '../policy/cooldown.js';
import type { Runbook } from '../runbooks/schema.js';
import type { Incident, Person } from './incident.js';
import type { Audience, AuditSink, Directory, ExecutionStarter, Notifier } from './ports.js';
import type { Proposals } from './proposals.js';
import type { IncidentRepository } from './repository.js';

/**
 * Approve, dismiss and cancel. Approval is exactly-once: the policy decides on a snapshot, and the
 * proposed→approved transition is a compare-and-set that re-checks the state, so fifty clicks on
 * three replicas give one approval and forty-nine "already approved by …" answers. The audit
 * record is written before anything executes; if it cannot be, the approval is rolled back and the
 * approver told why (invariant 1).
 */
export interface ApprovalDeps {
  repo: IncidentRepository;
  proposals: Proposals;
  notifier: Notifier;
  audit: AuditSink;
  directory: Directory;
  cooldowns: Cooldowns;
  executor: ExecutionStarter;
  staleness: (incident: Incident) => Promise<{ stale: false } | { stale: true; reason: string }>;
  clock: Clock;
  metrics: Metrics;
  log: Logger;
}

export type ApprovalOutcome = 'approved' | 'partially_approved' | 'refused';

const hhmmss = (ms: number) => new Date(ms).toISOString().slice(11, 19) + ' UTC';

export function describeClosed(incident: Incident): string {
  const who = incident.approvals.map((a) => `<@${a.id}>`).join(', ');
  switch (incident.state) {
    case 'approved':
    case 'running':
    case 'succeeded':
    case 'failed':
      return `Already approved by ${who} at ${hhmmss(incident.approvedAt ?? incident.updatedAt)} (now ${incident.state}).`;
    case 'dismissed':
    case 'cancelled':
      return `This proposal was ${incident.state}${incident.closedBy ? ` by <@${incident.closedBy.id}>` : ''} at ${hhmmss(incident.updatedAt)}.`;
    case 'expired':
      return incident.supersededBy
        ? `This proposal was replaced by a fresh one (incident ${incident.supersededBy}): approve that one.`
        : 'This proposal expired.';
    default:
      return `This proposal is ${incident.state}.`;
  }
}

export class Approvals {
  constructor(private readonly d: ApprovalDeps) {}

  private async facts(incident: Incident, runbook: Runbook) {
    const groups = [
      ...runbook.approval.approvers.groups,
      ...(runbook.approval.breakGlass?.approvers.groups ?? []),
    ];
    const groupMembers: Record<string, string[] | undefined> = {};
    await Promise.all(groups.map(async (g) => (groupMembers[g] = await this.d.directory.groupMembers(g))));
    const now = this.d.clock.now();
    return { now, groupMembers, cooldown: await this.d.cooldowns.active(incident.service, now) };
  }

  private async refuse(
    incident: Incident,
    user: Person,
    to: Audience,
    reason: string,
    message: string,
    next?: string,
  ) {
    this.d.metrics.refusals.inc({ reason });
    try {
      await this.d.audit.append({
        action: 'approval.refused',
        actor: { type: 'user', ...user },
        incidentId: incident.id,
        service: incident.service,
        details: { reason, message },
      });
    } catch (err) {
      this.d.log.error({ err, incidentId: incident.id }, 'could not audit a refusal');
    }
    await this.d.notifier.tell(to, { what: 'Approval refused', why: message, next });
    return 'refused' as const;
  }

  async approve(incidentId: string, user: Person, to: Audience): Promise<ApprovalOutcome> {
    try {
      return await this.tryApprove(incidentId, user, to);
    } catch (err) {
      const e = asRollbotError(err);
      if (e.code !== 'store_unavailable') throw err;
      // Redis refused a read or the approval's own write (before any audit record or execution):
      // nothing happened, and the approver must hear it rather than see a silent button.
      this.d.log.error({ err, incidentId }, 'approval failed: the store is unavailable');
      this.d.metrics.refusals.inc({ reason: 'store_unavailable' });
      await this.d.notifier.tell(to, {
        what: 'Approval not recorded — nothing was changed',
        why: `rollbot could not store the approval (${e.message}); it never acts without its incident and audit records`,
        next: 'try again in a minute; if it persists, check Redis (/readyz shows its state)',
      });
      return 'refused';
    }
  }

  private async tryApprove(incidentId: string, user: Person, to: Audience): Promise<ApprovalOutcome> {
    const incident = await this.d.repo.require(incidentId);
    const runbook = incident.runbook.spec as Runbook;
    if (incident.state !== 'proposed') {
      return this.refuse(incident, user, to, 'not_proposed', describeClosed(incident));
    }
    // The cluster read for staleness overlaps the policy facts (Redis, cached Slack groups): it is
    // on the path from click to PATCH. A refused click merely wastes that read.
    const staleness = this.d.staleness(incident);
    staleness.catch(() => undefined); // awaited below unless refused; never an unhandled rejection
    const decision: Decision = decideApproval(incident, runbook, user, await this.facts(incident, runbook));
    if (!decision.ok) return this.refuse(incident, user, to, decision.reason, decision.message);

    const stale = await staleness;
    if (stale.stale) return this.supersede(incident, user, to, stale.reason);

    const now = this.d.clock.now();
    const won = await this.d.repo.update(incidentId, (cur) => {
      if (cur.state !== 'proposed' || cur.approvals.some((a) => a.id === user.id)) return null;
      cur.approvals.push({ ...user, at: now, ...(cur.emergency ? { breakGlass: true } : {}) });
      const required = cur.emergency ? 1 : runbook.approval.required;
      if (cur.approvals.length >= required) {
        cur.state = 'approved';
        cur.approvedAt = now;
      }
      return cur;
    });
    if (!won.ok) {
      const why =
        won.incident.state === 'proposed'
          ? 'You already approved this; it needs another approver.'
          : describeClosed(won.incident);
      return this.refuse(won.incident, user, to, 'lost_race', why);
    }
    const approved = won.incident.state === 'approved';
    try {
      await this.d.audit.append({
        action: incident.emergency ? 'breakglass.approved' : 'approval.granted',
        actor: { type: 'user', ...user },
        incidentId,
        service: incident.service,
        details: {
          approvals: won.incident.approvals.length,
          required: incident.emergency ? 1 : runbook.approval.required,
          complete: approved,
          runbook: `${runbook.name}@${runbook.version}`,
          from: incident.plan.current.revision,
          to: incident.plan.target?.revision,
        },
      });
    } catch (err) {
      await this.undoApproval(incidentId, user);
      const e = asRollbotError(err);
      await this.d.notifier.tell(to, {
        what: 'Approval not recorded — nothing was changed',
        why: `the audit log could not be written (${e.message}); rollbot never acts without an audit record`,
        next: 'try again in a minute; if it persists, check Redis (/readyz shows its state)',
      });
      return 'refused';
    }
    if (approved) {
      this.d.metrics.timeToApprove.observe({ service: incident.service }, (now - incident.createdAt) / 1000);
      // Only break-glass gets past a cooldown: a second rollback inside it is an oscillation.
      if (await this.d.cooldowns.active(incident.service, now).catch(() => null))
        this.d.metrics.oscillations.inc({ service: incident.service });
      this.d.executor.start(incidentId);
    }
    await this.d.notifier
      .refresh(won.incident)
      .catch((err) => this.d.log.warn({ err, incidentId }, 'could not refresh the message'));
    return approved ? 'approved' : 'partially_approved';
  }

  private async undoApproval(incidentId: string, user: Person) {
    await this.d.repo
      .update(incidentId, (cur) => {
        if (!['proposed', 'approved'].includes(cur.state) || cur.approvals.at(-1)?.id !== user.id)
          return null;
        cur.approvals.pop();
        cur.state = 'proposed';
        cur.approvedAt = undefined;
        return cur;
      })
      .catch((err) => this.d.log.error({ err, incidentId }, 'could not roll back an unaudited approval'));
  }

  /** The Deployment moved since the proposal: retire it and offer a fresh plan (invariant 5). */
  private async supersede(
    incident: Incident,
    user: Person,
    to: Audience,
    reason: string,
  ): Promise<ApprovalOutcome> {
    const retired = await this.d.repo.update(incident.id, (cur) => {
      if (cur.state !== 'proposed') return null;
      cur.state = 'expired';
      cur.closeReason = `stale plan: ${reason}`;
      return cur;
    });
    // Lost to another click: the Deployment moved because that approval's rollback already ran.
    if (!retired.ok)
      return this.refuse(retired.incident, user, to, 'lost_race', describeClosed(retired.incident));
    await this.refuse(
      incident,
      user,
      to,
      'stale_plan',
      `The plan is stale: ${reason}.`,
      'A fresh proposal is being posted; review and approve that one.',
    );
    await this.d.notifier.refresh(retired.incident).catch(() => undefined);
    const runbook = incident.runbook.spec as Runbook;
    const fresh = await this.d.proposals.open({
      loaded: {
        runbook,
        file: '',
        sha256: incident.runbook.sha256,
        source: incident.runbook.source as never,
      },
      target: { namespace: incident.plan.namespace, deployment: incident.plan.deployment },
      origin: incident.origin,
      requester: incident.requester,
      reason: incident.reason,
      emergency: incident.emergency,
      request: incident.request,
      alerts: incident.alerts,
    });
    if (fresh.kind !== 'refused') {
      await this.d.repo.update(incident.id, (cur) => ({ ...cur, supersededBy: fresh.incident.id }));
    }
    return 'refused';
  }

  async dismiss(incidentId: string, user: Person, to: Audience, reason?: string): Promise<boolean> {
    const res = await this.d.repo.update(incidentId, (cur) => {
      if (cur.state !== 'proposed') return null;
      cur.state = 'dismissed';
      cur.closedBy = user;
      cur.closeReason = reason;
      return cur;
    });
    if (!res.ok) {
      await this.d.notifier.tell(to, { what: 'Nothing to dismiss', why: describeClosed(res.incident) });
      return false;
    }
    await this.d.audit.append({
      action: 'proposal.dismissed',
      actor: { type: 'user', ...user },
      incidentId,
      service: res.incident.service,
      details: { reason },
    });
    await this.d.notifier.refresh(res.incident);
    return true;
  }

  /** `/rollback cancel`: closes a proposal, or asks a running rollback to stop between steps. */
  async cancel(service: string, user: Person, to: Audience): Promise<void> {
    const open = await this.d.repo.openFor(service);
    if (!open)
      return this.d.notifier.tell(to, {
        what: `Nothing to cancel for ${service}`,
        why: 'it has no open proposal or running rollback',
      });
    if (open.state === 'proposed') {
      const res = await this.d.repo.update(open.id, (cur) => {
        if (cur.state !== 'proposed') return null;
        cur.state = 'cancelled';
        cur.closedBy = user;
        return cur;
      });
      if (res.ok) {
        await this.d.audit.append({
          action: 'rollback.cancelled',
          actor: { type: 'user', ...user },
          incidentId: open.id,
          service,
          details: { phase: 'proposal' },
        });
        await this.d.notifier.refresh(res.incident);
        return this.d.notifier.tell(to, {
          what: `Cancelled the proposal for ${service} (incident ${open.id})`,
        });
      }
    }
    await this.d.audit.append({
      action: 'rollback.cancelled',
      actor: { type: 'user', ...user },
      incidentId: open.id,
      service,
      details: { phase: 'execution', requested: true },
    });
    await this.d.executor.cancel(open.id, user);
    await this.d.notifier.tell(to, {
      what: `Cancellation requested for ${service} (incident ${open.id})`,
      why: 'the running step finishes first; no further step starts',
      next: 'watch the incident thread for the result',
    });
  }
}
