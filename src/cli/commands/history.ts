/**
 * `rollbot history <namespace>/<deployment>` — `kubectl rollout history` with the images of each
 * revision, i.e. what `rollbot undo --to-revision` / `--to-image-tag` can restore.
 */
import type { Command } from 'commander';
import type { KubeGatewayApi } from '../../kube/index.js';
import {
  deploymentCommand,
  exitWith,
  gatewayFor,
  type KubeCliOptions,
  onTarget,
  stdout,
  type Write,
} from '../kube-target.js';

export async function runHistory(
  gateway: KubeGatewayApi,
  target: string,
  write: Write = stdout,
  writeErr?: Write,
): Promise<number> {
  return onTarget(target, writeErr, async ({ namespace, name }) => {
    const entries = await gateway.history(namespace, name);
    write(`deployment.apps/${name}`);
    const rows = [
      ['REVISION', 'CHANGE-CAUSE', 'IMAGES'],
      ...entries.map((e) => [String(e.revision), e.changeCause ?? '<none>', e.images.join(',')]),
    ];
    const w0 = Math.max(...rows.map((r) => r[0]!.length)) + 2;
    const w1 = Math.max(...rows.map((r) => r[1]!.length)) + 2;
    for (const r of rows) write(`${r[0]!.padEnd(w0)}${r[1]!.padEnd(w1)}${r[2]}`.trimEnd());
  });
}

export function register(program: Command): void {
  deploymentCommand(
    program,
    'history',
    'list the revisions of a Deployment (kubectl rollout history) with their images',
    [
      ['rollbot history payments/payments-api', 'revisions, change causes and images'],
      ['rollbot history payments/payments-api --context prod', 'in another kubeconfig context'],
    ],
  ).action((target: string, opts: KubeCliOptions) => exitWith(() => runHistory(gatewayFor(opts), target)));
}
