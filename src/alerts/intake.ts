import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import { asRollbotError, type RollbotError } from '../core/errors.js';
import type { AlertSummary, Incident } from '../incidents/incident.js';
import type { AuditSink, Notifier } from '../incidents/ports.js';
import type { Proposals } from '../incidents/proposals.js';
import type { IncidentRepository } from '../incidents/repository.js';
import type { RunbookRegistry } from '../runbooks/registry.js';
import type { Store } from '../store/index.js';
import type { Alert, AlertBatch } from './alert.js';

/**
 * From parsed alerts to incidents. Alertmanager re-sends a whole group every group_interval and
 * repeat_interval, so identity is the alert (fingerprint + startsAt), never the request: a seen
 * alert only bumps counters. All firing alerts routed to one service become one proposal.
 */
const MAX_KEYS = 200;
const SEEN_TTL_MS = 7 * 24 * 3_600_000;
const identity = (a: Alert) => `${a.fingerprint}@${a.startsAt}`;
const seenKey = (a: Alert) => `alert:${identity(a)}`;

export interface IntakeDeps {
  store: Store;
  repo: IncidentRepository;
  proposals: Proposals;
  registry: () => RunbookRegistry;
  notifier: Notifier;
  audit: AuditSink;
  clock: Clock;
  log: Logger;
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

function summarize(prev: AlertSummary | undefined, fresh: Alert[], now: number): AlertSummary {
  const first = fresh[0]!;
  const keys = [...new Set([...(prev?.keys ?? []), ...fresh.map(identity)])];
  return {
    count: keys.length,
    deliveries: (prev?.deliveries ?? 0) + 1,
    firing: (prev?.firing ?? 0) + fresh.length,
    keys: keys.slice(-MAX_KEYS),
    groupKeys: [...new Set([...(prev?.groupKeys ?? []), ...fresh.map((a) => a.groupKey)])].slice(-20),
    firstAt: prev?.firstAt ?? Math.min(...fresh.map((a) => Date.parse(a.startsAt) || now)),
    lastAt: now,
    summary: prev?.summary ?? first.summary,
    labels: prev?.labels ?? first.labels,
    links: prev?.links ?? {
      generatorURL: first.generatorURL,
      dashboardURL: first.dashboardURL,
      runbookURL: first.runbookURL,
    },
    resolvedAt: undefined,
  };
}

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
    const byService = new Map<
      string,
      { route: Extract<ReturnType<RunbookRegistry['routeAlert']>, { matched: true }>; alerts: Alert[] }
    >();
    const registry = this.d.registry();
    for (const alert of batch.alerts) {
      const route = registry.routeAlert(alert.labels);
      if (!route.matched) {
        result.unrouted++;
        await this.unrouted(alert, route.reason);
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
    return result;
  }

  private async unrouted(alert: Alert, reason: string) {
    // Record once per alert identity; re-sends of an unrouted alert are not news.
    if (!(await this.d.store.set(seenKey(alert), 'unrouted', { ifAbsent: true, ttlMs: SEEN_TTL_MS }))) return;
    await this.d.audit.append({
      action: 'alert.unrouted',
      actor: { type: 'system', name: alert.source },
      details: { reason, summary: alert.summary, labels: alert.labels, fingerprint: alert.fingerprint },
    });
    await this.d.notifier
      .unrouted(alert.summary, alert.labels, reason)
      .catch((err) => this.d.log.warn({ err }, 'fallback channel post failed'));
  }

  private async firing(
    service: string,
    route: {
      runbook: Parameters<Proposals['open']>[0]['loaded'];
      target: { namespace: string; deployment: string };
    },
    alerts: Alert[],
    result: IntakeResult,
  ) {
    const now = this.d.clock.now();
    const fresh: Alert[] = [];
    const repeats: { alert: Alert; incidentId: string }[] = [];
    for (const alert of alerts) {
      const claimed = await this.d.store.set(seenKey(alert), 'pending', {
        ifAbsent: true,
        ttlMs: SEEN_TTL_MS,
      });
      if (claimed) fresh.push(alert);
      else repeats.push({ alert, incidentId: (await this.d.store.get(seenKey(alert))) ?? 'pending' });
    }
    for (const { alert, incidentId } of repeats) {
      result.deduplicated++;
      await this.d.audit.append({
        action: 'alert.deduplicated',
        actor: { type: 'system', name: alert.source },
        incidentId: incidentId.startsWith('inc-') ? incidentId : undefined,
        service,
        details: { fingerprint: alert.fingerprint, groupKey: alert.groupKey },
      });
      if (incidentId.startsWith('inc-')) {
        const incident = await this.d.repo.get(incidentId);
        if (incident && ['proposed', 'approved', 'running'].includes(incident.state)) {
          const updated = await this.d.proposals.joinAlerts(incidentId, (cur) => ({
            ...cur!,
            deliveries: (cur?.deliveries ?? 0) + 1,
            lastAt: now,
          }));
          this.d.refresh(updated);
        }
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
      if (outcome.kind === 'refused') {
        // Cooldown or freeze: Proposals audited the refusal; do not propose.
        for (const alert of fresh)
          await this.d.store.set(seenKey(alert), `refused:${outcome.reason}`, { ttlMs: SEEN_TTL_MS });
        return;
      }
      incident = outcome.incident;
      if (outcome.kind === 'joined') {
        incident = await this.d.proposals.joinAlerts(incident.id, (cur) => summarize(cur, fresh, now));
        result.joined += fresh.length;
        this.d.refresh(incident);
      } else result.proposals.push(incident.id);
    }
    for (const alert of fresh) await this.d.store.set(seenKey(alert), incident.id, { ttlMs: SEEN_TTL_MS });
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
        if (cur.alerts.firing === 0) {
          cur.alerts.resolvedAt = Date.parse(alert.endsAt ?? '') || now;
          const spec = cur.runbook.spec as { onResolved?: string };
          if (cur.state === 'proposed' && spec.onResolved === 'withdraw') {
            cur.state = 'dismissed';
            cur.closeReason = 'the alert resolved and the runbook withdraws proposals on resolve';
          }
        }
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
      if (res.ok) this.d.refresh(res.incident);
    }
  }
}
