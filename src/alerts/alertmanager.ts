/**
 * Prometheus Alertmanager webhook, payload version "4" (notify/webhook/webhook.go,
 * template/template.go). One request carries a whole group: firing and resolved alerts mixed.
 */
import { z } from 'zod';
import {
  fingerprintOf,
  isoOrUndefined,
  runbookURLOf,
  summaryOf,
  type Alert,
  type AlertBatch,
} from './alert.js';
import { amAlertFields, amMessageFields } from './fields.js';

export const alertmanagerAlertSchema = z.looseObject(amAlertFields);

export const alertmanagerPayloadSchema = z.looseObject({
  version: z.literal('4', { error: 'expected "4" (Alertmanager webhook payload version)' }),
  ...amMessageFields,
  alerts: z.array(alertmanagerAlertSchema),
});

export type AlertmanagerPayload = z.infer<typeof alertmanagerPayloadSchema>;
type AlertmanagerAlert = z.infer<typeof alertmanagerAlertSchema>;

/** The parts of an Alert that Alertmanager and Grafana share. */
export function baseAlert(source: Alert['source'], groupKey: string, a: AlertmanagerAlert): Alert {
  const alert: Alert = {
    source,
    status: a.status,
    fingerprint: a.fingerprint ?? fingerprintOf(a.labels),
    groupKey,
    labels: { ...a.labels },
    annotations: { ...a.annotations },
    startsAt: isoOrUndefined(a.startsAt) ?? a.startsAt,
    summary: summaryOf(a.labels, a.annotations),
  };
  const endsAt = isoOrUndefined(a.endsAt);
  if (endsAt) alert.endsAt = endsAt;
  if (a.generatorURL) alert.generatorURL = a.generatorURL;
  const runbookURL = runbookURLOf(a.annotations);
  if (runbookURL) alert.runbookURL = runbookURL;
  return alert;
}

export function mapAlertmanager(p: AlertmanagerPayload): AlertBatch {
  const batch: AlertBatch = {
    source: 'alertmanager',
    groupKey: p.groupKey,
    alerts: p.alerts.map((a) => baseAlert('alertmanager', p.groupKey, a)),
  };
  if (p.receiver) batch.receiver = p.receiver;
  if (p.externalURL) batch.externalURL = p.externalURL;
  if (p.truncatedAlerts) batch.truncatedAlerts = p.truncatedAlerts;
  return batch;
}
