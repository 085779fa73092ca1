/**
 * `rollbot` — the command line. Each subcommand lives in commands/<name>.ts and exports
 * `register(program, env)`; this file only lists them, and is the one place that reads the
 * process's environment (handed to every command, which hands it to src/config). Commands report failure through
 * `process.exitCode` (never `process.exit` in library code).
 */
import { Command } from 'commander';
import { buildInfo } from '../config/index.js';
import { asRollbotError } from '../core/errors.js';
import { register as registerAudit } from './commands/audit.js';
import { register as registerDemo } from './commands/demo.js';
import { register as registerDrill } from './commands/drill.js';
import { register as registerHistory } from './commands/history.js';
import { register as registerPostmortem } from './commands/postmortem.js';
import { register as registerRunbooks } from './commands/runbooks.js';
import { register as registerSandbox } from './commands/sandbox.js';
import { register as registerServe } from './commands/serve.js';
import { register as registerStatus } from './commands/status.js';
import { register as registerUndo } from './commands/undo.js';

const env = process.env;

const program = new Command('rollbot')
  .description('Slack ChatOps bot: a firing alert becomes a one-click, audited, verified Kubernetes rollback')
  .version(
    versionLine(),
    '-V, --version',
    'print the version, the commit it was built from and the Node.js it runs on',
  )
  .showHelpAfterError()
  .enablePositionalOptions();

for (const register of [
  registerServe,
  registerDemo,
  registerSandbox,
  registerDrill,
  registerRunbooks,
  registerAudit,
  registerUndo,
  registerStatus,
  registerHistory,
  registerPostmortem,
])
  register(program, env);

// Whatever fails — a command's own error, or one escaping from a timer — is told as a message and
// a next step, never as a stack trace; ROLLBOT_DEBUG=1 adds the stack for a bug report.
const fail = (err: unknown): void => {
  const e = asRollbotError(err);
  process.stderr.write(`rollbot: ${e.message}\n${e.hint ? `  hint: ${e.hint}\n` : ''}`);
  if (env.ROLLBOT_DEBUG === '1' && e.stack) process.stderr.write(`${e.stack}\n`);
  process.exitCode = 1;
};
process.on('uncaughtException', (err) => {
  fail(err);
  process.exit(1);
});
process.on('unhandledRejection', (err) => {
  fail(err);
  process.exit(1);
});

try {
  await program.parseAsync(process.argv);
} catch (err) {
  fail(err);
}

function versionLine(): string {
  const { version, commit, node } = buildInfo();
  return `rollbot ${version} (commit ${commit}, Node.js ${node})`;
}
