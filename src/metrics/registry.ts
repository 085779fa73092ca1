import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What rollbot_build_info says about the build (src/config/build.ts). */
export interface BuildLabels {
  version: string;
  commit: string;
}

// prom-client's three gauges that end in `_total` (promtool: "non-counter metrics should not have
// _total suffix"); each is the sum of its per-type gauge (nodejs_active_handles{type} …), which stays.
const TOTAL_GAUGES = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/** The rollback results a finished run counts (executor/finish.ts) and the origins of a proposal. */
const RESULTS = ['succeeded', 'failed', 'cancelled'] as const;
const ORIGINS = ['alert', 'command'] as const;

/**
 * Every metric rollbot exports on /metrics, in one place so names stay consistent. The process
 * and runtime metrics keep prom-client's standard names (`process_*`, `nodejs_*`) because stock
 * Node.js dashboards look for exactly those. One Metrics object per app instance (tests build
 * several apps in one process).
 */
export function createMetrics(build: BuildLabels = { version: 'unknown', commit: 'unknown' }) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  for (const name of TOTAL_GAUGES) registry.removeSingleMetric(name);
  new Gauge({
    name: 'rollbot_build_info',
    help: 'Always 1; the labels say which rollbot build this is',
    labelNames: ['version', 'commit'] as const,
    registers: [registry],
  }).set({ version: build.version, commit: build.commit }, 1);
  const m = {
    registry,
    alertsReceived: new Counter({
      name: 'rollbot_alerts_received_total',
      help: 'Alert webhook requests by source and HTTP status',
      labelNames: ['source', 'status'] as const,
      registers: [registry],
    }),
    proposals: new Counter({
      name: 'rollbot_proposals_total',
      help: 'Rollback proposals posted, by service and origin (alert|command)',
      labelNames: ['service', 'origin'] as const,
      registers: [registry],
    }),
    refusals: new Counter({
      name: 'rollbot_refusals_total',
      help: 'Approvals or requests refused, by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    rollbacks: new Counter({
      name: 'rollbot_rollbacks_total',
      help: 'Finished rollbacks by service and result',
      labelNames: ['service', 'result'] as const,
      registers: [registry],
    }),
    oscillations: new Counter({
      name: 'rollbot_oscillations_total',
      help: 'Rollbacks of a service again within its cooldown window',
      labelNames: ['service'] as const,
      registers: [registry],
    }),
    timeToRollback: new Histogram({
      name: 'rollbot_time_to_rollback_seconds',
      help: 'From the first alert (or request) to recovery verified',
      labelNames: ['service'] as const,
      buckets: [30, 60, 120, 300, 600, 900, 1800, 3600],
      registers: [registry],
    }),
    timeToApprove: new Histogram({
      name: 'rollbot_time_to_approve_seconds',
      help: 'From proposal posted to approval',
      labelNames: ['service'] as const,
      buckets: [5, 15, 30, 60, 120, 300, 600, 1800],
      registers: [registry],
    }),
    stepDuration: new Histogram({
      name: 'rollbot_step_duration_seconds',
      help: 'Runbook step durations by step type and result',
      labelNames: ['type', 'result'] as const,
      buckets: [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600],
      registers: [registry],
    }),
    inFlight: new Gauge({
      name: 'rollbot_rollbacks_in_flight',
      help: 'Rollbacks executing in this instance',
      registers: [registry],
    }),
  };
  return {
    ...m,
    /**
     * Series at zero for every known service, so a success-rate panel or an alert on
     * `increase(rollbot_rollbacks_total[…])` has data on a fresh install instead of "no data".
     */
    knownServices(services: readonly string[]): void {
      for (const service of services) {
        for (const result of RESULTS) m.rollbacks.inc({ service, result }, 0);
        for (const origin of ORIGINS) m.proposals.inc({ service, origin }, 0);
        m.oscillations.inc({ service }, 0);
      }
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
