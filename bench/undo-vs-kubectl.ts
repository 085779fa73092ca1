/**
 * Benchmark 5: rolling a Deployment back against the Kubernetes simulator, each on a fresh
 * Deployment. rollbot: what its k8s.rolloutUndo step does in the running bot (read the history,
 * plan the undo, PATCH with a resourceVersion precondition) through the same KubeGateway, in a
 * warm, separate process (bench/workers/gateway-undo.ts). Reference: `kubectl rollout undo` started as a process, as an operator runs it.
 * Also shown: `rollbot undo` as a process (CLI start-up included), for the like-for-like view.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
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
  // rollbot's side runs in a separate quiet process, one warm-up included (see the worker).
  const names = Array.from({ length: each + 1 }, () => serviceName(i++));
  try {
    const out = await run(
      process.execPath,
      ['--import', 'tsx', 'bench/workers/gateway-undo.ts', kubeconfig, NAMESPACE, ...names],
      { cwd: ROOT, timeout: 60_000 },
    );
    const parsed = JSON.parse(out.stdout.trim().split('\n').at(-1)!) as { ms: number[]; failures: string[] };
    r.gateway.push(...parsed.ms);
    r.failures.push(...parsed.failures);
  } catch (err) {
    r.failures.push(`gateway worker: ${(err as Error).message.split('\n')[0]}`);
  }
  for (let k = 0; k <= each; k++) {
    const name = serviceName(i++);
    await bench.world.kubeSim.waitForIdle(); // the same quiet cluster the rollbot runs got
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
