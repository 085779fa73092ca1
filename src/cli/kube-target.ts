/**
 * Shared plumbing of the kubectl-like commands (`undo`, `status`, `history`): the
 * `<namespace>/<deployment>` argument, the kubeconfig options, and how a failure is printed.
 */
import type { Command } from 'commander';
import { asRollbotError, RollbotError } from '../core/errors.js';
import { KubeGateway } from '../kube/index.js';
import { withExamples } from './help.js';

export interface KubeCliOptions {
  kubeconfig?: string;
  context?: string;
}

export type Write = (line: string) => void;

export const stdout: Write = (line) => process.stdout.write(`${line}\n`);
export const stderr: Write = (line) => process.stderr.write(`${line}\n`);

export function parseTarget(text: string): { namespace: string; name: string } {
  const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/.exec(text.trim());
  if (!m) {
    throw new RollbotError('bad_input', `"${text}" is not <namespace>/<deployment>`, {
      hint: 'name the Deployment with its namespace, e.g. payments/payments-api',
    });
  }
  return { namespace: m[1]!, name: m[3]! };
}

/** `rollbot <name> <namespace/deployment>` with the kubeconfig options and examples in --help. */
export function deploymentCommand(
  program: Command,
  name: string,
  description: string,
  examples: [line: string, what: string][],
): Command {
  const cmd = program
    .command(name)
    .description(description)
    .argument('<namespace/deployment>', 'the Deployment, e.g. payments/payments-api');
  return withExamples(withKubeOptions(cmd), examples);
}

function withKubeOptions(cmd: Command): Command {
  return cmd
    .option(
      '--kubeconfig <path>',
      'kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)',
    )
    .option('--context <name>', 'kubeconfig context to use (default: current-context)');
}

/** KUBECONFIG / ~/.kube/config / in-cluster unless --kubeconfig says otherwise, as kubectl does. */
export function gatewayFor(opts: KubeCliOptions): KubeGateway {
  return KubeGateway.fromOptions({ kubeconfigPath: opts.kubeconfig, context: opts.context });
}

/** Prints an operator message (what happened, why, what next) and returns exit code 1. */
export function reportFailure(err: unknown, write: Write = stderr): number {
  const e = asRollbotError(err);
  write(`error: ${e.message}`);
  if (e.hint) write(`next: ${e.hint}`);
  return 1;
}

/** Runs a command's body on its parsed target; a failure is printed (reportFailure) and is exit 1. */
export async function onTarget(
  target: string,
  writeErr: Write | undefined,
  body: (t: { namespace: string; name: string }) => Promise<void>,
): Promise<number> {
  try {
    await body(parseTarget(target));
    return 0;
  } catch (err) {
    return reportFailure(err, writeErr);
  }
}

/** Runs a command body and turns its result (or a throw) into the process exit code. */
export async function exitWith(run: () => Promise<number>): Promise<void> {
  let code: number;
  try {
    code = await run();
  } catch (err) {
    code = reportFailure(err);
  }
  if (code !== 0) process.exitCode = code;
}
