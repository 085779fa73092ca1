/** Builds Executors over a test world (or a child process's clients). */
import { Executor, type ExecutorDeps } from '../../src/executor/index.js';
import type { Person } from '../../src/incidents/incident.js';
import { Transitions } from '../../src/incidents/transitions.js';
import { createStepRegistry } from '../../src/steps/registry.js';
import type { WorldClients } from '../helpers/world.js';

export function makeExecutor(w: WorldClients, overrides: Partial<ExecutorDeps> = {}): Executor {
  return new Executor({
    repo: w.repo,
    store: w.store,
    audit: w.audit,
    steps: createStepRegistry(),
    kube: w.kube,
    github: w.github,
    slack: w.slack,
    prometheusUrl: w.endpoints.prometheusUrl,
    env: w.env,
    clock: w.clock,
    log: w.log,
    metrics: w.metrics,
    instanceId: 'replica-a',
    leaseTtlMs: 2_000,
    progressIntervalMs: 100,
    ...overrides,
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
