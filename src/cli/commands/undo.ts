/**
 * `rollbot undo <namespace>/<deployment> [--to-revision N | --to-image-tag T] [--dry-run]` —
 * `kubectl rollout undo` with a plan shown first and a precondition against racing deploys.
 */
import type { Command } from 'commander';
import { RollbotError } from '../../core/errors.js';
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

export interface UndoCliOptions extends KubeCliOptions {
  toRevision?: string;
  toImageTag?: string;
  dryRun?: boolean;
}

function parseRevision(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text))
    throw new RollbotError('bad_input', `--to-revision "${text}" is not a revision number`, {
      hint: 'use a number from `rollbot history`, or 0 for the previous revision',
    });
  return Number(text);
}

/** Runs the command against `gateway`; returns the exit code. */
export async function runUndo(
  gateway: KubeGatewayApi,
  target: string,
  opts: UndoCliOptions,
  write: Write = stdout,
  writeErr?: Write,
): Promise<number> {
  return onTarget(target, writeErr, async ({ namespace, name }) => {
    const toRevision = parseRevision(opts.toRevision);
    if (toRevision !== undefined && opts.toImageTag !== undefined) {
      throw new RollbotError('bad_input', '--to-revision and --to-image-tag cannot be combined', {
        hint: 'pick one way to name the target',
      });
    }
    const plan = await gateway.planUndo(namespace, name, { toRevision, toImageTag: opts.toImageTag });
    if (plan.target) {
      write(`current: revision ${plan.current.revision} ${plan.current.images.join(', ')}`);
      write(
        `target:  revision ${plan.target.revision} ${plan.target.images.join(', ')}${plan.target.changeCause ? ` (${plan.target.changeCause})` : ''}`,
      );
    }
    const result = await gateway.rolloutUndo(plan, { dryRun: opts.dryRun === true });
    write(result.message);
  });
}

export function register(program: Command): void {
  deploymentCommand(
    program,
    'undo',
    'roll a Deployment back (kubectl rollout undo), refusing if it changed meanwhile',
    [
      [
        'rollbot undo payments/payments-api --dry-run',
        'show the plan; the server validates, nothing changes',
      ],
      [
        'rollbot undo payments/payments-api --to-revision 2',
        'roll back to revision 2 (see `rollbot history`)',
      ],
      [
        'KUBECONFIG=~/.kube/prod rollbot undo payments/payments-api',
        'to the previous revision, on another cluster',
      ],
    ],
  )
    .option('--to-revision <n>', 'revision to roll back to (default: the previous one)')
    .option('--to-image-tag <tag>', 'roll back to the newest revision running this image tag')
    .option('--dry-run', 'server-side dry run: validate, change nothing')
    .action((target: string, opts: UndoCliOptions) =>
      exitWith(() => runUndo(gatewayFor(opts), target, opts)),
    );
}
