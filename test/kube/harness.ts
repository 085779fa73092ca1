/**
 * The world of the kube adapter tests: an in-process Kubernetes simulator (fast clock) and a
 * KubeGateway pointed at it through a real kubeconfig, as production builds it.
 */
import { execFileSync } from 'node:child_process';
import { KubeGateway } from '../../src/kube/index.js';
import { startKubeSimulator, type KubeSimulator } from '@rollbot/sandbox/kube';
import { loadScenario, parseScenario } from '@rollbot/sandbox/scenario';
import type { Scenario } from '@rollbot/sandbox/scenario';
import { FAST_TIMING, kubectlFor, type KubectlResult } from '../../packages/sandbox/test/kube/fixtures.js';

export const NS = 'payments';
export const NAME = 'payments-api';
export const V141 = 'registry.example.com/payments-api:1.4.1';
export const V142 = 'registry.example.com/payments-api:1.4.2';
export const V150 = 'registry.example.com/payments-api:1.5.0';
export const UNREADY = 'registry.example.com/payments-api:2.0.0-broken';

export interface World {
  sim: KubeSimulator;
  gw: KubeGateway;
  close(): Promise<void>;
}

/** The default scenario, adjusted for payments-api. */
export async function defaultScenario(
  tweak: (d: Scenario['cluster']['deployments'][number], s: Scenario) => void = () => {},
): Promise<Scenario> {
  const s = await loadScenario();
  s.cluster.stepMs = 20;
  s.cluster.timing = { ...s.cluster.timing, ...FAST_TIMING };
  const d = s.cluster.deployments.find((x) => x.name === NAME)!;
  tweak(d, s);
  return s;
}

export function scenarioFromYaml(yaml: string): Scenario {
  return parseScenario(yaml, 'test scenario');
}

export async function startWorld(scenario?: Scenario): Promise<World> {
  const sim = await startKubeSimulator({
    scenario: scenario ?? (await defaultScenario()),
    stepMs: 20,
    timing: FAST_TIMING,
  });
  const gw = KubeGateway.fromOptions({ kubeconfigYaml: sim.kubeconfigYaml() });
  return { sim, gw, close: () => sim.close() };
}

export function imagesOf(sim: KubeSimulator): string[] {
  return sim.getDeploymentRaw(NS, NAME)!.spec.template.spec.containers.map((c: { image: string }) => c.image);
}

export const hasKubectl = ((): boolean => {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Runs kubectl against `sim` without blocking the event loop (the simulator runs in-process). */
export async function kubectl(sim: KubeSimulator, ...args: string[]): Promise<KubectlResult> {
  const k = await kubectlFor(sim);
  try {
    return await k.run(...args);
  } finally {
    await k.dispose();
  }
}
