/**
 * `rollbot status <namespace>/<deployment> [--timeout 5m]` — `kubectl rollout status`: prints the
 * waiting lines until the rollout is done, exits 1 when it fails or times out.
 */
import type { Command } from 'commander';
import type { KubeGatewayApi } from '../../kube/index.js';
import { parseDuration } from '../../runbooks/duration.js';
import {
  deploymentCommand,
  exitWith,
  gatewayFor,
  type KubeCliOptions,
  onTarget,
  stdout,
  type Write,
} from '../kube-target.js';

export interface StatusCliOptions extends KubeCliOptions {
  timeout?: string;
}

const NO_TIMEOUT_MS = 2_147_483_647; // setTimeout's maximum (~24.8 days): "0" means wait forever, as in kubectl

export async function runStatus(
  gateway: KubeGatewayApi,
  target: string,
  opts: StatusCliOptions,
  write: Write = stdout,
  writeErr?: Write,
  signal?: AbortSignal,
): Promise<number> {
  return onTarget(target, writeErr, async ({ namespace, name }) => {
    const ms = parseDuration(opts.timeout ?? '5m');
    const result = await gateway.waitRollout(namespace, name, {
      timeoutMs: ms === 0 ? NO_TIMEOUT_MS : ms,
      signal,
      onProgress: (message) => write(message),
      failIfFirstReadFails: true,
    });
    write(result.message);
  });
}

export function register(program: Command): void {
  deploymentCommand(program, 'status', 'wait for a Deployment rollout to finish (kubectl rollout status)', [
    ['rollbot status payments/payments-api', 'wait up to 5 minutes; exit 1 if it fails'],
    ['rollbot status payments/payments-api --timeout 0', 'wait as long as it takes'],
  ])
    .option('--timeout <duration>', 'how long to wait, e.g. 30s, 5m; 0 waits forever', '5m')
    .action(async (target: string, opts: StatusCliOptions) => {
      const ctrl = new AbortController();
      const stop = (): void => ctrl.abort();
      process.once('SIGINT', stop);
      try {
        await exitWith(() => runStatus(gatewayFor(opts), target, opts, stdout, undefined, ctrl.signal));
      } finally {
        process.off('SIGINT', stop);
      }
    });
}
