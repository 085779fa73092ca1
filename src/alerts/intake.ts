import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import { asRollbotError, type RollbotError } from '../core/errors.js';
import type { Incident, RevisionInfo } from '../incidents/incident.js';
import type { AuditSink, Notifier, Planner } from '../incidents/ports.js';
import type { Suspects } from '../incidents/suspects.js';
import type { Proposals } from '../incidents/proposals.js';
import type { IncidentRepository } from '../incidents/repository.js';
import type { RunbookRegistry } from '../runbooks/registry.js';
import type { Store } from '../store/index.js';
import type { Alert, AlertBatch } from './alert.js';
import type { FallbackChannel } from './fallback.js';
import { latest, repeatVerdict, summarize } from './repeats.js';

/**
 * From parsed alerts to incidents. Alertmanager re-sends a whole group every group_interval and
 * repeat_interval, so identity is the alert (fingerprint + startsAt), never the request: a seen
 * alert only bumps counters. All firing alerts routed to one service become one proposal.
 */
const SEEN_TTL_MS = 7 * 24 * 3_600_000;
const seenKey = (a: Alert) => `alert:${a.fingerprint}@${a.startsAt}`;

export interface IntakeDeps {
  store: Store;
  repo: IncidentRepository;
  proposals: Proposals;
  registry: () => RunbookRegistry;
  audit: AuditSink;
  clock: Clock;
  log: Logger;
  /** The runbook's channel hears when an alert could not become a proposal. */
  notifier: Pick<Notifier, 'cannotPropose'>;
  planner: Pick<Planner, 'live'>;
  /** Alerts no runbook handles: one fallback-channel message per group. */
  fallback: Pick<FallbackChannel, 'record'>;
  suspects: Suspects;
  /** Called with an incident whose message should be re-rendered (throttled by the caller). */
  refresh: (incident: Incident) => void;
}

export interface IntakeResult {
  proposals: string[];
  joined: number;
  deduplicated: number;
  resolved: number;
  unrouted: number;
  /**
   * Alerts stored and audited that could not become a proposal (e.g. the cluster is unreachable):
   * one line per service saying why. The sender gets 200 with these: re-sending cannot help, and
   * the next delivery of the same alerts tries again.
   */
  problems: string[];
}

/** One "could not propose" notice per service per this long; every failure is still audited. */
const PROBLEM_NOTICE_MS = 10 * 60_000;

type Route = Extract<ReturnType<RunbookRegistry['routeAlert']>, { matched: true }>;

export class AlertIntake {
  constructor(private readonly d: IntakeDeps) {}

  async ingest(batch: AlertBatch): Promise<IntakeResult> {
    const result: IntakeResult = {
      proposals: [],
      joined: 0,
      deduplicated: 0,
      resolved: 0,
      unrouted: 0,
      problems: [],
    };
    const byService = new Map<string, { route: Route; alerts: Alert[] }>();
    const registry = this.d.registry();
    const unrouted: { alert: Alert; reason: string }[] = [];
    for (const alert of batch.alerts) {
      const route = registry.routeAlert(alert.labels);
      if (!route.matched) {
        result.unrouted++;
        unrouted.push({ alert, reason: route.reason });
        continue;
      }
      const service = route.runbook.runbook.service;
      const group = byService.get(service) ?? { route, alerts: [] };
      group.alerts.push(alert);
      byService.set(service, group);
    }
    for (const [service, { route, alerts }] of byService) {
      const resolved = alerts.filter((a) => a.status === 'resolved');
      const firing = alerts.filter((a) => a.status === 'firing');
      if (firing.length) await this.firing(service, route, firing, result);
      if (resolved.length) await this.resolved(resolved, result);
    }
    // Recorded now, posted after the webhook answered (fallback.ts).
    if (unrouted.length) await this.d.fallback.record(unrouted);
    return result;
  }

  private async firing(service: string, route: Route, alerts: Alert[], result: IntakeResult) {
    const now = this.d.clock.now();
    const fresh: Alert[] = [];
    for (const alert of alerts) {
      const claimed = await this.d.store.set(seenKey(alert), 'pending', {
        ifAbsent: true,
        ttlMs: SEEN_TTL_MS,
      });
      if (claimed) {
        fresh.push(alert);
        continue;
      }
      const seen = (await this.d.store.get(seenKey(alert))) ?? 'pending';
      const incident = seen.startsWith('inc-') ? await latest(this.d.repo, seen) : null;
      const verdict = repeatVerdict(incident, now);
      // Past its incident's dismissal window (or after it expired unapproved) a re-send is news again.
      if (verdict === 'reopen') {
        fresh.push(alert);
        continue;
      }
      result.deduplicated++;
      await this.d.audit.append({
        action: 'alert.deduplicated',
        actor: { type: 'system', name: alert.source },
        incidentId: incident?.id,
        service,
        details: {
          fingerprint: alert.fingerprint,
          groupKey: alert.groupKey,
          ...(verdict === 'quiet' && incident?.quietUntil
            ? { quietUntil: new Date(incident.quietUntil).toISOString() }
            : {}),
        },
      });
      if (verdict === 'join' && incident) {
        const updated = await this.d.proposals.joinAlerts(incident.id, (cur) => ({
          ...cur!,
          deliveries: (cur?.deliveries ?? 0) + 1,
          lastAt: now,
        }));
        this.d.refresh(updated);
      }
    }
    if (!fresh.length) return;
    for (const alert of fresh) {
      await this.d.audit.append({
        action: 'alert.received',
        actor: { type: 'system', name: alert.source },
        service,
        details: {
          summary: alert.summary,
          fingerprint: alert.fingerprint,
          groupKey: alert.groupKey,
          labels: alert.labels,
          startsAt: alert.startsAt,
        },
      });
    }
    const open = await this.d.repo.openFor(service);
    let incident: Incident;
    let live: RevisionInfo | undefined;
    if (open) {
      incident = await this.d.proposals.joinAlerts(open.id, (cur) => summarize(cur, fresh, now));
      result.joined += fresh.length;
      this.d.refresh(incident);
    } else {
      let outcome: Awaited<ReturnType<Proposals['open']>>;
      try {
        outcome = await this.d.proposals.open({
          loaded: route.runbook,
          target: route.target,
          origin: 'alert',
          alerts: summarize(undefined, fresh, now),
        });
      } catch (err) {
        const e = asRollbotError(err);
        if (e.code === 'store_unavailable') throw e; // not stored: the sender must retry (503)
        return this.notProposed(service, route.runbook.runbook.channel, fresh, e, result);
      }
      // Alert-born proposals are never refused or unapprovable: they are posted saying why.
      if (outcome.kind !== 'created' && outcome.kind !== 'joined') return;
      incident = outcome.incident;
      if (outcome.kind === 'joined') {
        incident = await this.d.proposals.joinAlerts(incident.id, (cur) => summarize(cur, fresh, now));
        result.joined += fresh.length;
        this.d.refresh(incident);
      } else {
        result.proposals.push(incident.id);
        live = incident.plan.current;
      }
    }
    for (const alert of fresh) await this.d.store.set(seenKey(alert), incident.id, { ttlMs: SEEN_TTL_MS });
    await this.markSuspect(service, route.target, fresh[0]!, now, live);
  }

  /** Invariant 10: what was live when the alert fired is suspect for this service from now on. */
  private async markSuspect(
    service: string,
    target: Route['target'],
    alert: Alert,
    now: number,
    live?: RevisionInfo,
  ): Promise<void> {
    try {
      const current = live?.templateHash ? live : await this.d.planner.live(target);
      if (!current.templateHash) return;
      const name = alert.labels['alertname'] ?? alert.summary;
      const recorded = await this.d.suspects.record(service, {
        templateHash: current.templateHash,
        revision: current.revision,
        images: current.images,
        alert: name,
        at: now,
      });
      if (recorded)
        this.d.log.info({ service, revision: current.revision, alert: name }, 'revision marked suspect');
    } catch (err) {
      // The alert is handled; a suspect not recorded only means a later default plan may offer it.
      this.d.log.warn({ err, service }, 'could not record the suspect revision');
    }
  }

  /**
   * The alerts are on the record but no proposal could be planned (cluster unreachable, no such
   * Deployment, …): audit why, tell the runbook's channel (throttled), and forget the alerts'
   * claims so the sender's next delivery of them tries again.
   */
  private async notProposed(
    service: string,
    channel: string,
    alerts: Alert[],
    err: RollbotError,
    result: IntakeResult,
  ): Promise<void> {
    this.d.log.warn({ err, service }, 'alert could not become a proposal');
    result.problems.push(`${service}: ${err.operatorMessage}`);
    await this.d.audit.append({
      action: 'proposal.failed',
      actor: { type: 'system', name: alerts[0]!.source },
      service,
      details: {
        code: err.code,
        reason: err.message,
        hint: err.hint,
        fingerprints: alerts.map((a) => a.fingerprint),
      },
    });
    for (const alert of alerts) await this.d.store.del(seenKey(alert));
    const first = await this.d.store.set(`proposal-failed:${service}`, err.code, {
      ifAbsent: true,
      ttlMs: PROBLEM_NOTICE_MS,
    });
    // Not awaited: the sender's reply must not wait on Slack (Alertmanager gives up after 10 s).
    if (first)
      void this.d.notifier
        .cannotPropose(channel, alerts[0]!.summary, err)
        .catch((e) => this.d.log.warn({ err: e, service }, 'could not post the could-not-propose notice'));
  }

  private async resolved(alerts: Alert[], result: IntakeResult) {
    const now = this.d.clock.now();
    for (const alert of alerts) {
      const incidentId = await this.d.store.get(seenKey(alert));
      if (!incidentId?.startsWith('inc-')) continue;
      const done = await this.d.store.set(`${seenKey(alert)}:resolved`, '1', {
        ifAbsent: true,
        ttlMs: SEEN_TTL_MS,
      });
      if (!done) continue; // resolved notifications repeat too
      result.resolved++;
      const res = await this.d.repo.update(incidentId, (cur) => {
        if (!cur.alerts) return null;
        cur.alerts.firing = Math.max(0, cur.alerts.firing - 1);
        if (cur.alerts.firing === 0) cur.alerts.resolvedAt = Date.parse(alert.endsAt ?? '') || now;
        return cur;
      });
      await this.d.audit.append({
        action: 'alert.resolved',
        actor: { type: 'system', name: alert.source },
        incidentId,
        service: res.incident.service,
        details: {
          fingerprint: alert.fingerprint,
          endsAt: alert.endsAt,
          allResolved: Boolean(res.incident.alerts?.resolvedAt),
        },
      });
      let incident = res.incident;
      const spec = incident.runbook.spec as { onResolved?: string };
      if (
        res.ok &&
        incident.alerts?.resolvedAt &&
        incident.state === 'proposed' &&
        spec.onResolved === 'withdraw'
      )
        incident = await this.d.proposals.withdraw(
          incident,
          'the alert resolved and the runbook withdraws proposals on resolve',
        );
      if (res.ok) this.d.refresh(incident);
    }
  }
}
