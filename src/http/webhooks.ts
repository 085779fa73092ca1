import type { Logger } from 'pino';
import type { AlertBatch, AlertSource } from '../alerts/alert.js';
import type { SourceAuthConfig } from '../alerts/auth.js';
import { createWebhookHandler } from '../alerts/webhook.js';
import type { Config } from '../config/index.js';
import type { Clock } from '../core/clock.js';
import type { Metrics } from '../metrics/registry.js';
import { type Route, sendJson } from './server.js';

/**
 * POST /webhooks/{alertmanager,grafana,generic}. A source without a configured secret is shut:
 * it answers 401 naming the variable to set, so an open endpoint is never an accident.
 */
const SETTING: Record<AlertSource, string> = {
  alertmanager: 'WEBHOOK_ALERTMANAGER_TOKEN',
  grafana: 'WEBHOOK_GRAFANA_TOKEN or WEBHOOK_GRAFANA_HMAC_SECRET',
  generic: 'WEBHOOK_GENERIC_SECRET',
};

function authFor(source: AlertSource, w: Config['webhooks']): SourceAuthConfig | undefined {
  switch (source) {
    case 'alertmanager':
      return w.alertmanagerToken ? { scheme: 'bearer', tokens: [w.alertmanagerToken] } : undefined;
    case 'grafana':
      if (w.grafanaHmacSecret)
        return {
          scheme: 'grafana-hmac',
          secrets: [w.grafanaHmacSecret],
          header: w.grafanaHmacHeader,
          ...(w.grafanaHmacTimestampHeader ? { timestampHeader: w.grafanaHmacTimestampHeader } : {}),
        };
      return w.grafanaToken ? { scheme: 'bearer', tokens: [w.grafanaToken] } : undefined;
    case 'generic':
      return w.genericSecret ? { scheme: 'rollbot-hmac', secrets: [w.genericSecret] } : undefined;
  }
}

export function webhookRoutes(deps: {
  config: Config;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  ingest: (batch: AlertBatch) => Promise<void | { problems?: string[] | undefined }>;
}): Route[] {
  const sources: AlertSource[] = ['alertmanager', 'grafana', 'generic'];
  return sources.map((source) => {
    const auth = authFor(source, deps.config.webhooks);
    const path = `/webhooks/${source}`;
    if (!auth) {
      return {
        method: '*' as const,
        path,
        handler: (_req, res) => {
          deps.metrics.alertsReceived.inc({ source, status: '401' });
          sendJson(res, 401, {
            error: 'unauthorized',
            reason: `this webhook is disabled: set ${SETTING[source]} on rollbot and send it with each request`,
          });
        },
      };
    }
    const handler = createWebhookHandler({
      source,
      auth,
      maxBodyBytes: deps.config.webhooks.maxBodyBytes,
      clock: deps.clock,
      log: deps.log.child({ webhook: source }),
      ingest: deps.ingest,
      onResult: (src, status) => deps.metrics.alertsReceived.inc({ source: src, status: String(status) }),
    });
    return { method: '*' as const, path, handler };
  });
}
