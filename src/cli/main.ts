/**
 * `rollbot` — the command line. Each subcommand lives in commands/<name>.ts and exports
 * `register(program)`; this file only lists them. Commands report failure through
 * `process.exitCode` (never `process.exit` in library code).
 */
import { Command } from 'commander';
import { register as registerAudit } from './commands/audit.js';
import { register as registerRunbooks } from './commands/runbooks.js';
import { register as registerServe } from './commands/serve.js';

const program = new Command('rollbot')
  .description('Slack ChatOps bot: a firing alert becomes a one-click, audited, verified Kubernetes rollback')
  .showHelpAfterError()
  .enablePositionalOptions();

for (const register of [registerServe, registerRunbooks, registerAudit]) register(program);

await program.parseAsync(process.argv);
