/**
 * Grafana unified alerting webhook, payload version "1" (grafana/alerting receivers/webhook/v1,
 * templates/template_data.go): Alertmanager's message plus orgId/title/state/message, and per
 * alert silenceURL/dashboardURL/panelURL/values/valueString. Legacy (pre-unified) Grafana
 * payloads have no version and are refused with a 400 that says so.
 */
import { z } from 'zod';
import type { AlertBatch } from './alert.js';
import { baseAlert } from './alertmanager.js';
import { amAlertFields, amMessageFields, optionalString } from './fields.js';

export const grafanaAlertSchema = z.looseObject({
  ...amAlertFields,
  silenceURL: optionalString,
  dashboardURL: optionalString,
  panelURL: optionalString,
  // map[string]float64; nil marshals as null.
  values: z.record(z.string(), z.number()).nullish(),
  valueString: optionalString,
  imageURL: optionalString,
});

export const grafanaPayloadSchema = z.looseObject({
  version: z.literal('1', {
    error: 'expected "1" (Grafana unified alerting webhook; legacy Grafana alerting is not supported)',
  }),
  ...amMessageFields,
  orgId: z.number().int().nullish(),
  state: z.enum(['alerting', 'ok']),
  title: z.string().nullish(),
  message: z.string().nullish(),
  alerts: z.array(grafanaAlertSchema),
});

export type GrafanaPayload = z.infer<typeof grafanaPayloadSchema>;

export function mapGrafana(p: GrafanaPayload): AlertBatch {
  const batch: AlertBatch = {
    source: 'grafana',
    groupKey: p.groupKey,
    alerts: p.alerts.map((a) => {
      const alert = baseAlert('grafana', p.groupKey, a);
      if (a.dashboardURL) alert.dashboardURL = a.dashboardURL;
      if (a.panelURL) alert.panelURL = a.panelURL;
      if (a.silenceURL) alert.silenceURL = a.silenceURL;
      if (a.values && Object.keys(a.values).length > 0) alert.values = { ...a.values };
      return alert;
    }),
  };
  if (p.receiver) batch.receiver = p.receiver;
  if (p.externalURL) batch.externalURL = p.externalURL;
  if (p.truncatedAlerts) batch.truncatedAlerts = p.truncatedAlerts;
  return batch;
}
