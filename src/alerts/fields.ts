/**
 * zod pieces shared by the source schemas. Objects are loose on purpose: senders add fields
 * over time (Alertmanager's `notification_reason`, `routeLabels`; Grafana's `orgId`, `imageURL`)
 * and an unknown field must never turn an alert into a 400.
 */
import { z } from 'zod';

/** RFC 3339 as Go marshals time.Time: any fraction digits, `Z` or an offset; includes 0001-01-01T00:00:00Z. */
export const rfc3339 = z.iso.datetime({ offset: true, error: 'expected an RFC 3339 timestamp' });

/** Go's `template.KV` (map[string]string); a nil map marshals as null, which we read as {}. */
export const kv = z.record(z.string(), z.string());
export const optionalKv = kv.nullish().transform((v) => v ?? {});

export const alertStatus = z.enum(['firing', 'resolved']);

/** Absent, null and "" all mean "not given" for the optional strings Go always marshals. */
export const optionalString = z
  .string()
  .nullish()
  .transform((v) => (v === null || v === undefined || v === '' ? undefined : v));

/** The Alertmanager alert (template.Alert), which Grafana extends. */
export const amAlertFields = {
  status: alertStatus,
  labels: kv,
  annotations: optionalKv,
  startsAt: rfc3339,
  endsAt: rfc3339.nullish(),
  generatorURL: optionalString,
  fingerprint: optionalString,
};

/** The Alertmanager notification (webhook.Message = template.Data + version fields). */
export const amMessageFields = {
  groupKey: z.string(),
  truncatedAlerts: z.number().int().nonnegative().nullish(),
  status: alertStatus,
  receiver: optionalString,
  groupLabels: optionalKv,
  commonLabels: optionalKv,
  commonAnnotations: optionalKv,
  externalURL: optionalString,
};
