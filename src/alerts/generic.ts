/**
 * rollbot's own webhook format, for senders that are neither Alertmanager nor Grafana
 * (CI jobs, scripts, other monitors). Documented in ./README.md; signed (see auth.ts).
 *
 * {
 *   "groupKey": "optional; defaults to the alert's fingerprint",
 *   "receiver": "optional", "externalURL": "optional",
 *   "alerts": [{
 *     "labels": { "service": "payments", ... },   // required; `service` or `alertname` required
 *     "status": "firing" | "resolved",             // default firing
 *     "annotations": { ... }, "summary": "...",    // summary overrides the annotation rule
 *     "startsAt": RFC 3339 (default: received time), "endsAt": RFC 3339,
 *     "fingerprint": "...",                        // default: sha256 of sorted labels, 16 hex
 *     "generatorURL" / "runbookURL" / "dashboardURL": URLs, "values": { "name": number }
 *   }]
 * }
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  fingerprintOf,
  isoOrUndefined,
  runbookURLOf,
  summaryOf,
  type Alert,
  type AlertBatch,
} from './alert.js';
import { alertStatus, rfc3339 } from './fields.js';

export const GENERIC_MAX_ALERTS = 100;
/** Labels a runbook can be routed on; a generic alert must carry at least one. */
export const ROUTING_LABELS = ['service', 'alertname'] as const;

const labelName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
  error: 'label names must match [A-Za-z_][A-Za-z0-9_]* (Prometheus label names)',
});
const url = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' });

export const genericAlertSchema = z.looseObject({
  status: alertStatus.default('firing'),
  labels: z
    .record(labelName, z.string().max(1024))
    .refine((l) => ROUTING_LABELS.some((name) => (l[name] ?? '') !== ''), {
      error: `must include a non-empty ${ROUTING_LABELS.map((n) => `"${n}"`).join(' or ')} label to route on`,
    }),
  annotations: z.record(z.string(), z.string().max(16_384)).optional(),
  startsAt: rfc3339.optional(),
  endsAt: rfc3339.optional(),
  fingerprint: z.string().min(1).max(128).optional(),
  generatorURL: url.optional(),
  runbookURL: url.optional(),
  dashboardURL: url.optional(),
  summary: z.string().min(1).max(1024).optional(),
  values: z.record(z.string(), z.number()).optional(),
});

export const genericPayloadSchema = z.looseObject({
  groupKey: z.string().min(1).max(512).optional(),
  receiver: z.string().max(256).optional(),
  externalURL: url.optional(),
  alerts: z
    .array(genericAlertSchema)
    .min(1, { error: 'must hold at least one alert' })
    .max(GENERIC_MAX_ALERTS, { error: `must hold at most ${GENERIC_MAX_ALERTS} alerts` }),
});

export type GenericPayload = z.infer<typeof genericPayloadSchema>;

/** `receivedAt` (epoch ms) stands in for a missing `startsAt`. */
export function mapGeneric(p: GenericPayload, receivedAt: number): AlertBatch {
  const alerts = p.alerts.map((a): Alert => {
    const annotations = { ...(a.annotations ?? {}) };
    const fingerprint = a.fingerprint ?? fingerprintOf(a.labels);
    const alert: Alert = {
      source: 'generic',
      status: a.status,
      fingerprint,
      groupKey: p.groupKey ?? fingerprint,
      labels: { ...a.labels },
      annotations,
      startsAt: isoOrUndefined(a.startsAt) ?? new Date(receivedAt).toISOString(),
      summary: a.summary ?? summaryOf(a.labels, annotations),
    };
    const endsAt = isoOrUndefined(a.endsAt);
    if (endsAt) alert.endsAt = endsAt;
    if (a.generatorURL) alert.generatorURL = a.generatorURL;
    if (a.dashboardURL) alert.dashboardURL = a.dashboardURL;
    const runbookURL = a.runbookURL ?? runbookURLOf(annotations);
    if (runbookURL) alert.runbookURL = runbookURL;
    if (a.values && Object.keys(a.values).length > 0) alert.values = { ...a.values };
    return alert;
  });
  const batch: AlertBatch = { source: 'generic', groupKey: p.groupKey ?? batchKey(alerts), alerts };
  if (p.receiver) batch.receiver = p.receiver;
  if (p.externalURL) batch.externalURL = p.externalURL;
  return batch;
}

/** Without a groupKey: the single alert's fingerprint, or a hash of all of them (order-free). */
function batchKey(alerts: Alert[]): string {
  if (alerts.length === 1) return alerts[0]!.fingerprint;
  const fingerprints = alerts.map((a) => a.fingerprint).sort();
  return createHash('sha256').update(fingerprints.join('\n')).digest('hex').slice(0, 16);
}
