/**
 * Benchmark 5: rolling a Deployment back against the Kubernetes simulator, each on a fresh
 * Deployment. rollbot: what its k8s.rolloutUndo step does in the running bot (read the history,
 * plan the undo, PATCH with a resourceVersion precondition) through the same KubeGateway, in a
 * warm process. Reference: `kubectl rollout undo` started as a process, as an operator runs it.
 * Also shown: `rollbot undo` as a process (CLI start-up included), for the like-for-like view.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { KubeGateway } from '../src/kube/index.js';
import { NAMESPACE, serviceName } from './lib/fixture.js';
import type { Bench } from './lib/harness.js';
import { ROOT } from './lib/proc.js';

const run = promisify(execFile);

export interface UndoResult {
  gateway: number[];
  kubectl: number[];
  rollbotCli: number[];
  kubectlVersion: string;
  failures: string[];
}

export async function runUndo(
  bench: Bench,
  first: number,
  each: number,
  cliRuns: number,
): Promise<UndoResult> {
  const kube = KubeGateway.fromOptions({ kubeconfigYaml: bench.world.kubeSim.kubeconfigYaml() });
  const kubeconfig = bench.world.kubeconfigPath;
  const r: UndoResult = {
    gateway: [],
    kubectl: [],
    rollbotCli: [],
    kubectlVersion: 'not found',
    failures: [],
  };
  try {
    const v = await run('kubectl', ['version', '--client', '-o', 'json'], { timeout: 30_000 });
    r.kubectlVersion = (
      JSON.parse(v.stdout) as { clientVersion: { gitVersion: string } }
    ).clientVersion.gitVersion;
  } catch (err) {
    r.failures.push(`kubectl: ${(err as Error).message.split('\n')[0]}`);
    return r;
  }
  let i = first;
  // One warm-up each (JIT, connection, kubectl's discovery cache).
  for (let k = 0; k <= each; k++) {
    const name = serviceName(i++);
    const t = performance.now();
    try {
      const history = await kube.history(NAMESPACE, name);
      const target = history.find((e) => e.revision === 1)!;
      const plan = await kube.planUndo(NAMESPACE, name, { toRevision: target.revision });
      await kube.rolloutUndo(plan, { precondition: true });
      if (k > 0) r.gateway.push(performance.now() - t);
    } catch (err) {
      r.failures.push(`gateway ${name}: ${(err as Error).message}`);
    }
  }
  for (let k = 0; k <= each; k++) {
    const name = serviceName(i++);
    const t = performance.now();
    try {
      await run(
        'kubectl',
        ['--kubeconfig', kubeconfig, '-n', NAMESPACE, 'rollout', 'undo', `deployment/${name}`],
        { timeout: 30_000 },
      );
      if (k > 0) r.kubectl.push(performance.now() - t);
    } catch (err) {
      r.failures.push(`kubectl ${name}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  for (let k = 0; k < cliRuns; k++) {
    const name = serviceName(i++);
    const t = performance.now();
    try {
      await run(process.execPath, ['bin/rollbot.js', 'undo', `${NAMESPACE}/${name}`], {
        cwd: ROOT,
        timeout: 60_000,
        env: { ...process.env, KUBECONFIG: kubeconfig },
      });
      r.rollbotCli.push(performance.now() - t);
    } catch (err) {
      r.failures.push(`rollbot undo ${name}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  return r;
}
