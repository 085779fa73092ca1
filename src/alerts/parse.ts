/**
 * One entry point from "a JSON value from source X" to an AlertBatch or a 400 naming the field.
 * The webhook handler uses it; so can the CLI (`rollbot plan --alert file.json`) and drills.
 */
import type { z } from 'zod';
import type { AlertBatch, AlertSource } from './alert.js';
import { alertmanagerPayloadSchema, mapAlertmanager } from './alertmanager.js';
import { genericPayloadSchema, mapGeneric } from './generic.js';
import { grafanaPayloadSchema, mapGrafana } from './grafana.js';
import { badRequest, describeType, rejectionFromZod, type WebhookRejection } from './rejection.js';

export type ParseResult = { ok: true; batch: AlertBatch } | { ok: false; rejection: WebhookRejection };

export function parseAlertBatch(source: AlertSource, payload: unknown, receivedAt: number): ParseResult {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    return {
      ok: false,
      rejection: badRequest('(body)', `expected object, received ${describeType(payload)}`),
    };
  }
  switch (source) {
    case 'alertmanager':
      return run(alertmanagerPayloadSchema, payload, mapAlertmanager);
    case 'grafana':
      return run(grafanaPayloadSchema, payload, mapGrafana);
    case 'generic':
      return run(genericPayloadSchema, payload, (p) => mapGeneric(p, receivedAt));
  }
}

function run<S extends z.ZodType>(
  schema: S,
  payload: unknown,
  map: (p: z.output<S>) => AlertBatch,
): ParseResult {
  const result = schema.safeParse(payload);
  if (!result.success) return { ok: false, rejection: rejectionFromZod(result.error, payload) };
  return { ok: true, batch: map(result.data) };
}
