/** Builds Executors over a test world (or a child process's clients). */
import { Executor, type ExecutorDeps } from '../../src/executor/executor.js';
import type { Person } from '../../src/incidents/incident.js';
import { Transitions } from '../../src/incidents/transitions.js';
import { createStepRegistry, type StepRegistry } from '../../src/steps/registry.js';
import type { WorldClients } from '../helpers/world.js';

/** What a test changes, by name; the rest comes from the world. */
export interface ExecutorOverrides extends NonNullable<ExecutorDeps['hooks']> {
  audit?: ExecutorDeps['records']['audit'];
  steps?: StepRegistry;
  instanceId?: string;
  leaseTtlMs?: number;
}

export function makeExecutor(w: WorldClients, o: ExecutorOverrides = {}): Executor {
  return new Executor({
    records: { repo: w.repo, store: w.store, audit: o.audit ?? w.audit },
    steps: {
      registry: o.steps ?? createStepRegistry(),
      clients: {
        kube: w.kube,
        github: w.github,
        slack: w.slack,
        fetch,
        prometheusUrl: w.endpoints.prometheusUrl,
      },
      vars: w.env,
    },
    replica: {
      instanceId: o.instanceId ?? 'replica-a',
      leaseTtlMs: o.leaseTtlMs ?? 2_000,
      progressIntervalMs: 100,
    },
    runtime: { clock: w.clock, log: w.log, metrics: w.metrics },
    hooks: { onProgress: o.onProgress, onFinished: o.onFinished, cooldowns: o.cooldowns },
  });
}

/** PATCH requests the Kubernetes simulator received for one Deployment. */
export function deploymentPatches<R extends { method: string; path: string }>(
  requests: readonly R[],
  name = 'payments-api',
): R[] {
  return requests.filter((r) => r.method === 'PATCH' && r.path.endsWith(`/deployments/${name}`));
}

/** Polls `check` every 20 ms until it holds (or fails the test after `timeoutMs`). */
export async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Asks for a running (or approved) rollback to stop, as an approver would through `/rollback
 * cancel`: the lifecycle's cancel move, audited as `rollback.cancel_requested`.
 */
export function requestStop(w: WorldClients, incidentId: string, by: Person) {
  const transitions = new Transitions({ repo: w.repo, audit: w.audit, clock: w.clock, log: w.log });
  return transitions.apply(
    incidentId,
    { type: 'cancel' },
    { kind: 'person', person: by, roles: ['approver'] },
  );
}
