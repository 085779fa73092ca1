import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Every metric rollbot exports on /metrics, in one place so names stay consistent.
 * One Metrics object per app instance (tests build several apps in one process).
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'rollbot_process_' });
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
  return m;
}

export type Metrics = ReturnType<typeof createMetrics>;
