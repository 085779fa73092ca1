/**
 * `rollbot` — the command line. Each subcommand lives in commands/<name>.ts and exports
 * `register(program, env)`; this file only lists them, and is the one place that reads the
 * process's environment (handed to every command, which hands it to src/config). Commands report failure through
 * `process.exitCode` (never `process.exit` in library code).
 */
import { Command } from 'commander';
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

const program = new Command('rollbot')
  .description('Slack ChatOps bot: a firing alert becomes a one-click, audited, verified Kubernetes rollback')
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
  register(program, process.env);

await program.parseAsync(process.argv);
