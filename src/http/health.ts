import type { Registry } from 'prom-client';
import type { Clock } from '../core/clock.js';
import { type CheckResult, type ReadinessCheck, probeChecks } from './readiness.js';
import type { Route } from './server.js';
import { sendJson } from './server.js';

export type { CheckResult, ReadinessCheck } from './readiness.js';

/**
 * /healthz: the process is alive (never touches dependencies, so a Redis outage does not get
 * the pod killed); it names the running version. /readyz: the instance can do work — every
 * readiness check passes (Redis, Slack auth, the Kubernetes API; cached and bounded by
 * readiness.ts) and it is not shutting down; 503 names which and why. /metrics: Prometheus text.
 */
export interface Health {
  routes: Route[];
  /** From now on /readyz answers 503 (graceful shutdown: the load balancer stops sending work). */
  shuttingDown(): void;
  readiness(): Promise<CheckResult[]>;
}

export function createHealth(deps: {
  registry: Registry;
  checks: ReadinessCheck[];
  clock: Pick<Clock, 'now'>;
  /** What /healthz reports about the build (version, commit). */
  build?: { version: string; commit: string; node: string } | undefined;
}): Health {
  let stopping = false;
  const probe = probeChecks(deps.checks, { clock: deps.clock });
  const readiness = async (): Promise<CheckResult[]> => [
    { name: 'config', ok: true },
    ...(await probe()),
    stopping ? { name: 'shutdown', ok: false, reason: 'shutting down' } : { name: 'shutdown', ok: true },
  ];
  const routes: Route[] = [
    {
      method: 'GET',
      path: '/healthz',
      handler: (_req, res) => sendJson(res, 200, { status: 'ok', ...deps.build }),
    },
    {
      method: 'GET',
      path: '/readyz',
      handler: async (_req, res) => {
        const results = await readiness();
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
  return { routes, readiness, shuttingDown: () => void (stopping = true) };
}
