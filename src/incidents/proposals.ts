import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import type { Metrics } from '../metrics/registry.js';
import type { Cooldowns } from '../policy/cooldown.js';
import { requestGate } from '../policy/approval.js';
import type { LoadedRunbook } from '../runbooks/load.js';
import type { Store } from '../store/index.js';
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
  /** Claims who posts a proposal message, so replicas (and the sweep) never post it twice. */
  store: Store;
}

/** How long one replica holds the right to post a proposal; a crashed poster's claim lapses. */
const POST_CLAIM_MS = 30_000;

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
    if (!gate.ok) {
      // Every refusal is on the record, whoever asked (an alert or a person typing /rollback).
      const actor = req.requester
        ? ({ type: 'user', ...req.requester } as const)
        : ({ type: 'system' } as const);
      await this.d.audit
        .append({
          action: 'approval.refused',
          actor,
          service: runbook.service,
          details: { reason: gate.reason, message: gate.message, origin: req.origin },
        })
        .catch((err) => this.d.log.error({ err, service: runbook.service }, 'could not audit a refusal'));
      return { kind: 'refused', reason: gate.reason, message: gate.message };
    }

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
    // Claim the service first, so a proposal that loses the race (another alert, command or
    // replica) leaves no record naming an incident that never existed.
    const created = await this.d.repo.createIfNoneOpen(incident);
    if (!created.created) return { kind: 'joined', incident: created.incident };
    try {
      await this.record(req, incident);
    } catch (err) {
      // The record comes before anything is posted: without it, nothing is proposed (invariant 1).
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
    return { kind: 'created', incident: await this.post(incident) };
  }

  private async record(req: ProposalRequest, incident: Incident): Promise<void> {
    const { runbook } = req.loaded;
    const { plan } = incident;
    const actor = req.requester
      ? ({ type: 'user', ...req.requester } as const)
      : ({ type: 'system' } as const);
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
  }

  /** Posts (or re-posts, after a Slack failure) the proposal message and stores its ts. */
  async post(incident: Incident): Promise<Incident> {
    const claim = `proposal-post:${incident.id}`;
    try {
      // One poster at a time across replicas: the first post and a sweep must not both post.
      if (
        !(await this.d.store.set(claim, this.d.clock.now().toString(), {
          ifAbsent: true,
          ttlMs: POST_CLAIM_MS,
        }))
      )
        return incident;
    } catch (err) {
      this.d.log.error(
        { err, incidentId: incident.id },
        'could not claim the proposal post; the sweep retries',
      );
      return incident;
    }
    try {
      const current = (await this.d.repo.get(incident.id)) ?? incident;
      if (current.slack?.ts || current.state !== 'proposed') return current;
      const posted = await this.d.notifier.postProposal(current);
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
      // The incident is stored; sweepUnposted() re-posts proposals that have no message yet.
      this.d.log.error({ err, incidentId: incident.id }, 'could not post the proposal; will retry');
      await this.d.store.del(claim).catch(() => undefined);
      return incident;
    }
  }

  /** Re-posts open proposals whose message never reached Slack (run periodically by the app). */
  async sweepUnposted(): Promise<string[]> {
    const posted: string[] = [];
    for (const incident of await this.d.repo.active()) {
      if (incident.state !== 'proposed' || incident.slack?.ts) continue;
      const res = await this.post(incident);
      if (res.slack?.ts) posted.push(incident.id);
    }
    return posted;
  }

  /** Alerts joining an open incident: counters and links only (never a second proposal). */
  async joinAlerts(
    incidentId: string,
    merge: (cur: AlertSummary | undefined) => AlertSummary,
  ): Promise<Incident> {
    const res = await this.d.repo.update(incidentId, (cur) => {
      cur.alerts = merge(cur.alerts);
      return cur;
    });
    return res.incident;
  }
}
