/**
 * Alerts no runbook handles go to the fallback channel: one message per alert group (the sender's
 * groupKey), edited as its alerts change — a resolved alert shows as resolved, with its links. The
 * webhook only records the group (a few store writes) and answers; the Slack post happens after,
 * in the background, so a storm of unrouted alerts never holds Alertmanager's request open behind
 * Slack's rate limits. Replicas share the group document; one poster at a time (a claim) edits the
 * message until it shows the newest version.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import type { AuditSink, Notifier, UnroutedAlertInfo, UnroutedGroupInfo } from '../incidents/ports.js';
import type { Store } from '../store/index.js';
import type { Alert } from './alert.js';

export interface UnroutedGroup extends UnroutedGroupInfo {
  version: number;
  posted?: { ts: string; version: number } | undefined;
}

export interface FallbackDeps {
  store: Store;
  notifier: Pick<Notifier, 'fallback'>;
  audit: AuditSink;
  clock: Clock;
  log: Logger;
  /** Background work the webhook does not wait for (the app tracks it for shutdown). */
  later: (work: Promise<unknown>) => void;
}

const TTL_MS = 7 * 24 * 3_600_000;
const CLAIM_MS = 30_000;
const MAX_ALERTS = 50;
const hash = (groupKey: string) => createHash('sha256').update(groupKey).digest('hex').slice(0, 32);
const docKey = (h: string) => `unrouted:${h}`;
const identity = (a: Alert) => `${a.fingerprint}@${a.startsAt}`;

function info(a: Alert): UnroutedAlertInfo {
  return {
    identity: identity(a),
    status: a.status,
    summary: a.summary,
    labels: a.labels,
    startsAt: a.startsAt,
    endsAt: a.endsAt,
    links: {
      generatorURL: a.generatorURL,
      dashboardURL: a.dashboardURL ?? a.panelURL,
      runbookURL: a.runbookURL,
      silenceURL: a.silenceURL,
    },
  };
}

export class FallbackChannel {
  constructor(private readonly d: FallbackDeps) {}

  /** Records unrouted alerts by group (audited once per alert) and schedules each group's message. */
  async record(alerts: { alert: Alert; reason: string }[]): Promise<void> {
    const groups = new Map<string, { alert: Alert; reason: string }[]>();
    for (const a of alerts) groups.set(a.alert.groupKey, [...(groups.get(a.alert.groupKey) ?? []), a]);
    for (const [groupKey, members] of groups) {
      for (const { alert, reason } of members) await this.auditOnce(alert, reason);
      const h = hash(groupKey);
      if (await this.merge(h, groupKey, members)) this.d.later(this.publish(h));
    }
  }

  private async auditOnce(alert: Alert, reason: string): Promise<void> {
    // Re-sends of an unrouted alert are not news for the audit log; its resolution is shown in Slack.
    const first = await this.d.store.set(`alert:${identity(alert)}`, 'unrouted', {
      ifAbsent: true,
      ttlMs: TTL_MS,
    });
    if (!first) return;
    await this.d.audit.append({
      action: 'alert.unrouted',
      actor: { type: 'system', name: alert.source },
      details: {
        reason,
        summary: alert.summary,
        labels: alert.labels,
        fingerprint: alert.fingerprint,
        status: alert.status,
      },
    });
  }

  /** Folds the alerts into the group document; true when something a reader sees changed. */
  private async merge(
    h: string,
    groupKey: string,
    members: { alert: Alert; reason: string }[],
  ): Promise<boolean> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const raw = await this.d.store.get(docKey(h));
      const doc: UnroutedGroup = raw
        ? (JSON.parse(raw) as UnroutedGroup)
        : {
            groupKey,
            source: members[0]!.alert.source,
            reason: members[0]!.reason,
            alerts: [],
            version: 0,
            updatedAt: 0,
          };
      let changed = false;
      for (const { alert } of members) {
        const next = info(alert);
        const i = doc.alerts.findIndex((a) => a.identity === next.identity);
        if (i < 0) doc.alerts.push(next);
        else if (doc.alerts[i]!.status !== next.status)
          doc.alerts[i] = { ...next, links: { ...doc.alerts[i]!.links, ...defined(next.links) } };
        else continue;
        changed = true;
      }
      if (!changed) return false;
      doc.alerts = doc.alerts.slice(-MAX_ALERTS);
      doc.version += 1;
      doc.updatedAt = this.d.clock.now();
      if (await this.d.store.compareAndSet(docKey(h), raw, JSON.stringify(doc), { ttlMs: TTL_MS }))
        return true;
    }
    this.d.log.warn(
      { groupKey },
      'unrouted alert group changing too fast to record; the next delivery retries',
    );
    return false;
  }

  /** Posts the group's message, or edits it, until it shows the newest version. */
  async publish(h: string): Promise<void> {
    const claim = `unrouted-post:${h}`;
    for (let round = 0; round < 5; round++) {
      // Another replica is posting: it re-reads the group before letting go, so it shows this change.
      if (!(await this.d.store.set(claim, '1', { ifAbsent: true, ttlMs: CLAIM_MS }))) return;
      let current: UnroutedGroup | undefined;
      try {
        const raw = await this.d.store.get(docKey(h));
        current = raw ? (JSON.parse(raw) as UnroutedGroup) : undefined;
        if (!current || current.posted?.version === current.version) return;
        const ts = await this.d.notifier.fallback(current, current.posted?.ts);
        if (ts === undefined) return; // no fallback channel configured
        const posted = { ts, version: current.version };
        for (let attempt = 0; attempt < 20; attempt++) {
          const now = await this.d.store.get(docKey(h));
          if (!now) break;
          const doc = JSON.parse(now) as UnroutedGroup;
          if (
            await this.d.store.compareAndSet(docKey(h), now, JSON.stringify({ ...doc, posted }), {
              ttlMs: TTL_MS,
            })
          )
            break;
        }
      } catch (err) {
        // Slack refused or Redis blinked: the group's next delivery (Alertmanager re-sends every
        // group_interval) schedules this again.
        this.d.log.warn({ err, groupKey: current?.groupKey }, 'could not post the fallback channel message');
        return;
      } finally {
        await this.d.store.del(claim).catch(() => undefined); // expires by itself after CLAIM_MS
      }
    }
  }
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
