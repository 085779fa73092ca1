/**
 * Alert payloads for end-to-end tests, built from the real-shaped fixtures in test/alerts/fixtures
 * (zero-time endsAt, truncatedAlerts, notification_reason, routeLabels, Grafana's extra fields)
 * with labels that route to the repository's runbooks. Also: posting them to a running bot.
 */
import { createHash } from 'node:crypto';
import { fixture } from '../alerts/harness.js';
import type { Bot } from './bot.js';

export interface AlertSpec {
  service: string;
  namespace?: string | undefined;
  alertname?: string | undefined;
  status?: 'firing' | 'resolved' | undefined;
  startsAt?: string | undefined;
  endsAt?: string | undefined;
  summary?: string | undefined;
  severity?: string | undefined;
  /** Extra labels (make distinct alerts of one service). */
  labels?: Record<string, string> | undefined;
}

const ZERO_TIME = '0001-01-01T00:00:00Z';
const DEFAULT_START = '2026-11-23T09:58:12.345678901Z';

function labelsOf(a: AlertSpec): Record<string, string> {
  return {
    alertname: a.alertname ?? 'HighErrorRate',
    service: a.service,
    namespace: a.namespace ?? a.service.split('-')[0]!,
    severity: a.severity ?? 'critical',
    ...a.labels,
  };
}

/** Alertmanager's fingerprint is a hash of the label set: same labels, same fingerprint. */
export const fingerprintOf = (labels: Record<string, string>) =>
  createHash('sha256')
    .update(JSON.stringify(Object.entries(labels).sort()))
    .digest('hex')
    .slice(0, 16);

function alertFrom(template: Record<string, any>, a: AlertSpec) {
  const labels = labelsOf(a);
  const status = a.status ?? 'firing';
  return {
    ...template,
    status,
    labels,
    annotations: {
      ...template.annotations,
      summary: a.summary ?? `${a.service} 5xx ratio above 5% for 5m`,
    },
    startsAt: a.startsAt ?? DEFAULT_START,
    endsAt: a.endsAt ?? (status === 'firing' ? ZERO_TIME : '2026-11-23T10:20:00Z'),
    fingerprint: fingerprintOf(labels),
    // Senders add fields over time; they must be accepted and ignored.
    x_unknown_field: { nested: [1, 2, 3] },
  };
}

/** An Alertmanager v4 group (one request) holding these alerts, shaped like alertmanager-mixed.json. */
export function alertmanagerGroup(
  alerts: AlertSpec[],
  opts: { groupKey?: string } = {},
): Record<string, any> {
  const base = fixture('alertmanager-mixed');
  const [firingTemplate, resolvedTemplate] = base.alerts as Record<string, any>[];
  const built = alerts.map((a) =>
    alertFrom((a.status ?? 'firing') === 'firing' ? firingTemplate! : resolvedTemplate!, a),
  );
  return {
    ...base,
    status: built.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    alerts: built,
    groupKey: opts.groupKey ?? `{}/{severity="critical"}:{alertname="${labelsOf(alerts[0]!).alertname}"}`,
    groupLabels: { alertname: labelsOf(alerts[0]!).alertname },
    commonLabels: { alertname: labelsOf(alerts[0]!).alertname, severity: 'critical' },
  };
}

/** A Grafana unified-alerting group, shaped like grafana-firing.json (values, dashboardURL, orgId, state…). */
export function grafanaGroup(alerts: AlertSpec[]): Record<string, any> {
  const base = fixture('grafana-firing');
  const [firingTemplate, resolvedTemplate] = base.alerts as Record<string, any>[];
  const built = alerts.map((a) =>
    alertFrom((a.status ?? 'firing') === 'firing' ? firingTemplate! : resolvedTemplate!, a),
  );
  const firing = built.some((a) => a.status === 'firing');
  return {
    ...base,
    status: firing ? 'firing' : 'resolved',
    state: firing ? 'alerting' : 'ok',
    alerts: built,
  };
}

export type Source = 'alertmanager' | 'grafana';

/** POSTs an alert body to instance `i` of the bot with the source's bearer token. */
export async function postAlert(
  bot: Bot,
  source: Source,
  body: unknown,
  i = 0,
): Promise<{ status: number; json: Record<string, any> }> {
  const token =
    source === 'alertmanager' ? bot.world.secrets.alertmanagerToken : bot.world.secrets.grafanaToken;
  const res = await fetch(`${bot.urls[i]}/webhooks/${source}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}
