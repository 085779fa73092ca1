import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubeSimulator, type KubeSimulator } from '../../src/kube/index.js';
import { loadScenario, parseScenario } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/schema.js';

/**
 * Short but non-zero delays: every intermediate state a real cluster shows (stale conditions
 * after a new generation is observed, Running-not-Ready pods, Terminating pods) still happens.
 */
export const FAST_TIMING = { controllerDelay: 10, podReadyDelay: 20, terminationGrace: 20 };

export const BAD = 'registry.example.com/payments-api:1.5.0';
export const GOOD = 'registry.example.com/payments-api:1.4.2';
export const OLDEST = 'registry.example.com/payments-api:1.4.1';
export const UNREADY = 'registry.example.com/payments-api:2.0.0-broken';

/** The default scenario with a fast clock and a short progress deadline. */
export async function fastScenario(
  overrides: { progressDeadlineSeconds?: number; revisionHistoryLimit?: number } = {},
): Promise<Scenario> {
  const scenario = await loadScenario();
  scenario.cluster.stepMs = 20;
  scenario.cluster.timing = { ...scenario.cluster.timing, ...FAST_TIMING };
  for (const d of scenario.cluster.deployments) {
    if (overrides.progressDeadlineSeconds !== undefined)
      d.progressDeadlineSeconds = overrides.progressDeadlineSeconds;
    if (overrides.revisionHistoryLimit !== undefined) d.revisionHistoryLimit = overrides.revisionHistoryLimit;
  }
  return scenario;
}

export function scenarioFrom(yaml: string): Scenario {
  return parseScenario(yaml, 'test scenario');
}

export async function startSim(scenario?: Scenario): Promise<KubeSimulator> {
  return startKubeSimulator({
    scenario: scenario ?? (await fastScenario()),
    stepMs: 20,
    timing: FAST_TIMING,
  });
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A kubectl bound to one simulator through a temporary kubeconfig and discovery cache. */
export interface Kubectl {
  run(...args: string[]): Promise<KubectlResult>;
  dispose(): Promise<void>;
}

export async function kubectlFor(sim: KubeSimulator): Promise<Kubectl> {
  const dir = await mkdtemp(join(tmpdir(), 'rollbot-kubectl-'));
  const kubeconfig = join(dir, 'config');
  await sim.writeKubeconfig(kubeconfig);
  return {
    run: (...args) =>
      new Promise((resolve) => {
        execFile(
          'kubectl',
          ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args],
          { timeout: 20_000 },
          (err, stdout, stderr) => {
            const code = err
              ? typeof (err as { code?: unknown }).code === 'number'
                ? (err as { code: number }).code
                : 1
              : 0;
            resolve({ code, stdout, stderr });
          },
        );
      }),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

function detectKubectl(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export const hasKubectl = detectKubectl();

export function revisions(
  sim: KubeSimulator,
  ns = 'payments',
  name = 'payments-api',
): Record<string, { image: string; replicas: number; history?: string }> {
  const out: Record<string, { image: string; replicas: number; history?: string }> = {};
  for (const rs of sim.listReplicaSetsRaw(ns, name)) {
    const ann = rs.metadata.annotations ?? {};
    const entry: { image: string; replicas: number; history?: string } = {
      image: rs.spec.template.spec.containers[0].image,
      replicas: rs.spec.replicas,
    };
    if (ann['deployment.kubernetes.io/revision-history'])
      entry.history = ann['deployment.kubernetes.io/revision-history'];
    out[ann['deployment.kubernetes.io/revision']!] = entry;
  }
  return out;
}
