import { createHash } from 'node:crypto';

/**
 * An Alertmanager v4 webhook body shaped exactly like a real one (zero-time endsAt, groupKey,
 * fingerprint, truncatedAlerts), for the demo and drills to fire at rollbot.
 */
export function alertmanagerPayload(opts: {
  service: string;
  namespace: string;
  alertname?: string;
  summary?: string;
  startsAt?: Date;
  status?: 'firing' | 'resolved';
}) {
  const alertname = opts.alertname ?? 'HighErrorRatio';
  const labels = { alertname, service: opts.service, namespace: opts.namespace, severity: 'critical' };
  const fingerprint = createHash('sha256').update(JSON.stringify(labels)).digest('hex').slice(0, 16);
  const startsAt = (opts.startsAt ?? new Date()).toISOString();
  const status = opts.status ?? 'firing';
  return {
    version: '4',
    groupKey: `{}/{severity="critical"}:{alertname="${alertname}", service="${opts.service}"}`,
    truncatedAlerts: 0,
    status,
    receiver: 'rollbot',
    groupLabels: { alertname, service: opts.service },
    commonLabels: labels,
    commonAnnotations: {},
    externalURL: 'http://alertmanager.sandbox:9093',
    alerts: [
      {
        status,
        labels,
        annotations: {
          summary: opts.summary ?? `${opts.service}: 5xx error ratio above 5% for 5 minutes`,
          runbook_url: `https://runbooks.example.com/${opts.service}`,
        },
        startsAt,
        endsAt: status === 'firing' ? '0001-01-01T00:00:00Z' : new Date().toISOString(),
        generatorURL: `http://prometheus.sandbox:9090/graph?g0.expr=job%3A${opts.service}%3Aerror_ratio&g0.tab=1`,
        fingerprint,
      },
    ],
  };
}
