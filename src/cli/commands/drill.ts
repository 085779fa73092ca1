import type { Command } from 'commander';
import { withSandbox } from '../load-sandbox.js';
import { type Env, type RedisCliOptions, redisEnv, withRedisOptions } from '../redis-options.js';

export function register(program: Command, env: Env): void {
  withRedisOptions(
    program
      .command('drill <runbook>')
      .description(
        'rehearse a runbook end to end against the sandbox: /rollback, approval, every step, verification; prints the transcript',
      )
      .option(
        '--scenario <name|file>',
        'sandbox scenario: a built-in name (default, stuck-rollout) or a YAML file (default: default)',
      )
      .option('--runbooks <dir>', 'runbooks directory', 'runbooks')
      .option('--out <dir>', 'where to write the transcript, audit log and postmortem', 'drill-out'),
  ).action((runbook: string, opts: RedisCliOptions & { scenario?: string; runbooks: string; out: string }) =>
    withSandbox((sandbox) => sandbox.runDrill(runbook, { ...opts, env: redisEnv(opts, env) })),
  );
}
