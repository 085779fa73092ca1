import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import type { Metrics } from '../metrics/registry.js';
import type { Cooldowns } from '../policy/cooldown.js';
import { requestGate } from '../policy/approval.js';
import type { LoadedRunbook } from '../runbooks/load.js';
import type { AlertSummary, Incident, Person } from './incident.js';
import type { AuditSink, Notifier, Planner } from './ports.js';
import type { IncidentRepository } from './repository.js';

/**
 * Opening proposals: an alert or a `/rollback` becomes one incident per service with a plan,
 * posted in the runbook's channel. A second alert or request for the same service joins the open
 * incident instead (one open proposal per service).
 */
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
  | { kind: 'refused'; reason: string; message: string };

export interface ProposalDeps {
  repo: IncidentRepository;
  planner: Planner;
  notifier: Notifier;
  audit: AuditSink;
  cooldowns: Cooldowns;
  clock: Clock;
  metrics: Metrics;
  log: Logger;
}

export class Proposals {
  constructor(private readonly d: ProposalDeps) {}

  async open(req: ProposalRequest): Promise<ProposalOutcome> {
    const { runbook } = req.loaded;
    const open = await this.d.repo.openFor(runbook.service);
    if (open) return { kind: 'joined', incident: open };

    const now = this.d.clock.now();
    const gate = requestGate(runbook, Boolean(req.emergency), {
      now,
      cooldown: await this.d.cooldowns.active(runbook.service, now),
    });
    if (!gate.ok) return { kind: 'refused', reason: gate.reason, message: gate.message };

    const request = req.request ?? {};
    const plan = await this.d.planner.plan(runbook, req.target, request);
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
    };
    const actor = req.requester ? ({ type: 'user', ...req.requester } as const) : ({ type: 'system' } as const);
    // The record comes first: if it cannot be written, nothing is proposed (invariant 1).
    await this.d.audit.append({
      action: req.origin === 'command' ? 'rollback.requested' : 'proposal.posted',
      actor,
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
        alerts: req.alerts?.count,
      },
    });
    if (req.emergency) {
      await this.d.audit.append({
        action: 'breakglass.invoked',
        actor,
        incidentId: incident.id,
        service: incident.service,
        details: { reason: req.reason },
      });
    }
    const created = await this.d.repo.createIfNoneOpen(incident);
    if (!created.created) return { kind: 'joined', incident: created.incident };
    this.d.metrics.proposals.inc({ service: incident.service, origin: req.origin });
    return { kind: 'created', incident: await this.post(incident) };
  }

  /** Posts (or re-posts, after a Slack failure) the proposal message and stores its ts. */
  async post(incident: Incident): Promise<Incident> {
    try {
      const posted = await this.d.notifier.postProposal(incident);
      const res = await this.d.repo.update(incident.id, (cur) => {
        cur.slack = { ts: posted.ts, permalink: posted.permalink };
        return cur;
      });
      if (incident.origin === 'command') {
        await this.d.audit.append({
          action: 'proposal.posted',
          actor: { type: 'system' },
          incidentId: incident.id,
          service: incident.service,
          details: { channel: incident.channel, ts: posted.ts },
        });
      }
      return res.incident;
    } catch (err) {
      // The incident is stored; the sweeper re-posts proposals that have no message yet.
      this.d.log.error({ err, incidentId: incident.id }, 'could not post the proposal; will retry');
      return incident;
    }
  }

  /** Alerts joining an open incident: counters and links only (never a second proposal). */
  async joinAlerts(incidentId: string, merge: (cur: AlertSummary | undefined) => AlertSummary): Promise<Incident> {
    const res = await this.d.repo.update(incidentId, (cur) => {
      cur.alerts = merge(cur.alerts);
      return cur;
    });
    return res.incident;
  }
}
