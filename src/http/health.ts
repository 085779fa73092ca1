import type { Registry } from 'prom-client';
import type { Route } from './server.js';
import { sendJson } from './server.js';

/**
 * /healthz: the process is alive (never touches dependencies, so a Redis outage does not get
 * the pod killed). /readyz: the instance can do work — Redis, Slack auth and the Kubernetes API
 * answer (readiness.ts), not shutting down; 503 names which and why. /metrics: Prometheus text.
 */
export function healthRoutes(deps: {
  checks: () => Promise<{ name: string; ok: boolean; reason?: string }[]>;
  registry: Registry;
}): Route[] {
  return [
    { method: 'GET', path: '/healthz', handler: (_req, res) => sendJson(res, 200, { status: 'ok' }) },
    {
      method: 'GET',
      path: '/readyz',
      handler: async (_req, res) => {
        const results = await deps.checks();
        const failed = results.filter((r) => !r.ok);
        sendJson(res, failed.length ? 503 : 200, {
          status: failed.length ? 'not ready' : 'ready',
          checks: results,
          ...(failed.length ? { reason: failed.map((f) => `${f.name}: ${f.reason}`).join('; ') } : {}),
        });
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      handler: async (_req, res) => {
        const text = await deps.registry.metrics();
        res.writeHead(200, { 'content-type': deps.registry.contentType });
        res.end(text);
      },
    },
  ];
}
