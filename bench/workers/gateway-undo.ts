/**
 * Benchmark 5's rollbot side, in its own quiet process (as the bot runs it, not competing with
 * the simulators and load generator in the bench process): for each Deployment named on the
 * command line, time what the k8s.rolloutUndo step does through KubeGateway — history read, undo
 * plan, PATCH with the precondition. Prints one JSON line: { ms: number[], failures: string[] }.
 * Usage: node --import tsx bench/workers/gateway-undo.ts <kubeconfig> <namespace> <name>...
 */
import { KubeGateway } from '../../src/kube/index.js';

const [kubeconfig, namespace, ...names] = process.argv.slice(2);
const kube = KubeGateway.fromOptions({ kubeconfigPath: kubeconfig! });
const ms: number[] = [];
const failures: string[] = [];
for (const [k, name] of names.entries()) {
  const t = performance.now();
  try {
    const history = await kube.history(namespace!, name);
    const target = history.find((e) => e.revision === 1)!;
    const plan = await kube.planUndo(namespace!, name, { toRevision: target.revision });
    await kube.rolloutUndo(plan, { precondition: true });
    if (k > 0) ms.push(performance.now() - t); // the first one warms up JIT and the connection
    // Untimed: let the simulated controller finish this rollout, so the next undo does not queue
    // behind it (the kubectl runs get the same quiet cluster).
    await kube.waitRollout(namespace!, name, { timeoutMs: 30_000 });
  } catch (err) {
    failures.push(`gateway ${name}: ${(err as Error).message}`);
  }
}
process.stdout.write(`${JSON.stringify({ ms, failures })}\n`);
