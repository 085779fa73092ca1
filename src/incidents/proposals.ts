/**
 * Opening proposals: an alert or a `/rollback` becomes one incident per service with a plan,
 * posted in the runbook's channel; a second alert or request for the same service joins the open
 * incident instead (one open proposal per service). The plan never targets a suspect revision
 * unless asked to by number or tag (suspects.ts). A request that cannot be approved (no target, the
 * running revision) is answered privately and never becomes the open proposal; an alert-born one
 * is posted, saying why, and so is an alert-born proposal the freeze or cooldown blocks.
 */
import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import type { Metrics } from '../metrics/registry.js';
import type { Cooldowns } from '../policy/cooldown.js';
import { requestGate } from '../policy/approval.js';
import type { LoadedRunbook } from '../runbooks/load.js';
import type { Runbook } from '../runbooks/schema.js';
import type { Store } from '../store/index.js';
import { rollbot } from './actors.js';
import type { AlertSummary, Incident, IncidentPlan, Person } from './incident.js';
import type { AuditSink, Notifier, Planner } from './ports.js';
import { ProposalPoster } from './proposal-post.js';
import type { IncidentRepository } from './repository.js';
import type { Suspects } from './suspects.js';
import type { Transitions } from './transitions.js';

export interface ProposalRequest {
  loaded: LoadedRunbook;
  target: { namespace: string; deployment: string };
  origin: 'alert' | 'command';
  requester?: Person | undefined;
  reason?: string | undefined;
  emergency?: boolean | undefined;
  request?: Incident['request'] | undefined;
  alerts?: AlertSummary | undefined;
}

export type ProposalOutcome =
  | { kind: 'created'; incident: Incident }
  | { kind: 'joined'; incident: Incident }
  | { kind: 'refused'; reason: string; message: string }
  /** A request nothing could approve: told privately, with the plan's reason and choices. */
  | { kind: 'unapprovable'; plan: IncidentPlan };

export interface ProposalDeps {
  repo: IncidentRepository;
  planner: Planner;
  notifier: Notifier;
  audit: AuditSink;
  cooldowns: Cooldowns;
  suspects: Suspects;
  transitions: Transitions;
  clock: Clock;
  metrics: Metrics;
  log: Logger;
  store: Store;
}

/** Whether anyone could approve this proposal as it stands (a target, not blocked). */
export function approvable(incident: Incident): boolean {
  return incident.plan.target !== null && !incident.plan.noop && !incident.blocked;
}

const spec = (i: Incident) => i.runbook.spec as Runbook;
const actorOf = (req: ProposalRequest) =>
  req.requester ? ({ type: 'user', ...req.requester } as const) : ({ type: 'system' } as const);

export class Proposals {
  private readonly poster: ProposalPoster;

  constructor(private readonly d: ProposalDeps) {
    this.poster = new ProposalPoster(d);
  }

  async open(req: ProposalRequest): Promise<ProposalOutcome> {
    const { runbook } = req.loaded;
    const now = this.d.clock.now();
    let open = await this.d.repo.openFor(runbook.service);
    // Past its TTL a proposal is over even before the sweep says so: it must not absorb this one.
    if (open?.state === 'proposed' && now > open.createdAt + spec(open).approval.proposalTtl)
      open = await this.expire(open);
    // Alerts join whatever is open; a request joins unless the open proposal can never be approved.
    if (open && (req.origin === 'alert' || open.state !== 'proposed' || approvable(open)))
      return { kind: 'joined', incident: open };

    const gate = requestGate(runbook, Boolean(req.emergency), {
      now,
      cooldown: await this.d.cooldowns.active(runbook.service, now),
    });
    if (!gate.ok) await this.auditRefusal(req, gate.reason, gate.message);
    if (!gate.ok && req.origin === 'command')
      return { kind: 'refused', reason: gate.reason, message: gate.message };

    const request = req.request ?? {};
    const suspects = await this.d.suspects.list(runbook.service);
    const plan = await this.d.planner.plan(runbook, req.target, request, suspects, {
      reason: req.reason,
      alert: req.alerts?.summary,
      requester: req.requester?.name ?? req.requester?.id,
    });
    // A GitOps controller would put the bad image back (src/gitops/guard.ts): refused like a
    // freeze, before anything changes, with the reason and the fix; break-glass does not help.
    const managed = gate.ok && plan.managedBy?.undo === 'refused' ? plan.managedBy : undefined;
    if (managed) {
      await this.auditRefusal(req, 'gitops_managed', managed.message ?? managed.title);
      if (req.origin === 'command')
        return { kind: 'refused', reason: 'gitops_managed', message: managed.message ?? managed.title };
    }
    if (req.origin === 'command' && (!plan.target || plan.noop)) {
      await this.auditUnapprovable(req, plan);
      return { kind: 'unapprovable', plan };
    }
    if (open && !(await this.replace(open, req))) {
      const still = await this.d.repo.openFor(runbook.service);
      if (still) return { kind: 'joined', incident: still };
    }
    const incident: Incident = {
      id: this.d.repo.newId(),
      service: runbook.service,
      state: 'proposed',
      origin: req.origin,
      createdAt: now,
      updatedAt: now,
      requester: req.requester,
      reason: req.reason,
      emergency: req.emergency || undefined,
      request,
      runbook: {
        name: runbook.name,
        version: runbook.version,
        sha256: req.loaded.sha256,
        source: { ...req.loaded.source },
        spec: runbook,
      },
      channel: runbook.channel,
      plan,
      alerts: req.alerts,
      approvals: [],
      blocked: gate.ok
        ? managed && {
            reason: 'gitops_managed',
            message: managed.message ?? managed.title,
            what: managed.title,
          }
        : {
            reason: gate.reason,
            message: gate.message,
            what: gate.blockedBy?.what,
            until: gate.blockedBy?.until,
          },
    };
    // Claim the service first, so a proposal that loses the race (another alert, command or
    // replica) leaves no record naming an incident that never existed.
    const created = await this.d.repo.createIfNoneOpen(incident);
    if (!created.created) return { kind: 'joined', incident: created.incident };
    try {
      await this.record(req, incident);
    } catch (err) {
      // The record comes before anything is posted: without it, nothing is proposed (invariant 1).
      // There is no audit log to record the withdrawal in; the incident was never shown to anyone.
      await this.d.repo
        .update(incident.id, (cur) =>
          cur.state === 'proposed'
            ? { ...cur, state: 'expired', closeReason: 'the audit log could not be written' }
            : null,
        )
        .catch((e) =>
          this.d.log.error({ err: e, incidentId: incident.id }, 'could not withdraw an unaudited proposal'),
        );
      throw err;
    }
    this.d.metrics.proposals.inc({ service: incident.service, origin: req.origin });
    const posted = await this.post(incident);
    if (open) await this.link(open, posted);
    return { kind: 'created', incident: posted };
  }

  private async record(req: ProposalRequest, incident: Incident): Promise<void> {
    const { runbook } = req.loaded;
    const { plan } = incident;
    await this.d.audit.append({
      action: req.origin === 'command' ? 'rollback.requested' : 'proposal.posted',
      actor: actorOf(req),
      incidentId: incident.id,
      service: incident.service,
      details: {
        origin: req.origin,
        reason: req.reason,
        runbook: `${runbook.name}@${runbook.version}`,
        runbookSha256: req.loaded.sha256,
        from: plan.current.revision,
        to: plan.target?.revision ?? null,
        targetMissingReason: plan.targetMissingReason,
        targetSuspect: plan.targetSuspect,
        skippedSuspects: plan.skippedSuspects?.map((s) => s.revision),
        blocked: incident.blocked?.reason,
        alerts: req.alerts?.count,
      },
    });
    if (req.emergency) {
      await this.d.audit.append({
        action: 'breakglass.invoked',
        actor: actorOf(req),
        incidentId: incident.id,
        service: incident.service,
        details: { reason: req.reason },
      });
    }
  }

  /** Every refusal is on the record, whoever asked (an alert or a person typing /rollback). */
  private async auditRefusal(req: ProposalRequest, reason: string, message: string): Promise<void> {
    await this.d.audit
      .append({
        // Nobody approved anything: a request (typed, or an alert's) was refused.
        action: 'request.refused',
        actor: actorOf(req),
        service: req.loaded.runbook.service,
        details: { reason, message, origin: req.origin },
      })
      .catch((err) =>
        this.d.log.error({ err, service: req.loaded.runbook.service }, 'could not audit a refusal'),
      );
  }

  private async auditUnapprovable(req: ProposalRequest, plan: IncidentPlan): Promise<void> {
    this.d.metrics.refusals.inc({ reason: 'unapprovable' });
    await this.d.audit
      .append({
        action: 'request.refused',
        actor: actorOf(req),
        service: req.loaded.runbook.service,
        details: {
          reason: plan.noop ? 'target_is_running' : 'no_target',
          message: plan.targetMissingReason ?? plan.noop,
          request: req.request,
          from: plan.current.revision,
          choices: plan.choices?.map((c) => c.revision),
        },
      })
      .catch((err) => this.d.log.error({ err }, 'could not audit a refused request'));
  }

  /** rollbot withdraws an open proposal (its alert resolved and the runbook says so): audited first. */
  async withdraw(incident: Incident, reason: string): Promise<Incident> {
    const res = await this.d.transitions.apply(incident.id, { type: 'withdraw', reason }, rollbot());
    return res.incident;
  }

  /** A TTL-expired proposal met on the way: expire it now. Returns what is open afterwards. */
  private async expire(open: Incident): Promise<Incident | null> {
    const res = await this.d.transitions.apply(open.id, { type: 'expire' }, rollbot());
    if (!res.ok) return this.d.repo.openFor(open.service);
    await this.d.notifier.refresh(res.incident).catch((err) => this.d.log.warn({ err }, 'could not refresh'));
    return null;
  }

  /** An open proposal nobody can approve gives way to a request that can be. */
  private async replace(open: Incident, req: ProposalRequest): Promise<boolean> {
    const by = req.requester ? `<@${req.requester.id}>` : 'an alert';
    const why = open.blocked ? `blocked (${open.blocked.reason})` : 'nothing to approve';
    const res = await this.d.transitions.apply(
      open.id,
      { type: 'supersede', reason: `${why}; replaced by a request from ${by}` },
      rollbot(),
    );
    return res.ok;
  }

  private async link(old: Incident, fresh: Incident): Promise<void> {
    const res = await this.d.repo.update(old.id, (cur) => ({ ...cur, supersededBy: fresh.id }));
    await this.d.notifier.refresh(res.incident).catch((err) => this.d.log.warn({ err }, 'could not refresh'));
  }

  /** Posts (or re-posts, after a Slack failure) the proposal message and stores its ts. */
  post(incident: Incident): Promise<Incident> {
    return this.poster.post(incident);
  }

  /** Re-posts open proposals whose message never reached Slack (run periodically by the app). */
  sweepUnposted(): Promise<string[]> {
    return this.poster.sweepUnposted();
  }

  /** Alerts joining an open incident: counters and links only (never a second proposal). */
  joinAlerts(incidentId: string, merge: (cur: AlertSummary | undefined) => AlertSummary): Promise<Incident> {
    return this.poster.joinAlerts(incidentId, merge);
  }
}
