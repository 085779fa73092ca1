import type { Command } from 'commander';
import { withSandbox } from '../load-sandbox.js';
import { type Env, type RedisCliOptions, redisEnv, withRedisOptions } from '../redis-options.js';
import { examples } from '../help.js';

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
      .option('--out <dir>', 'where to write the transcript, audit log and postmortem', 'drill-out')
      .addHelpText(
        'after',
        examples([
          ['rollbot drill payments-api', 'rehearse runbooks/payments-api.yaml on the built-in scenario'],
          [
            'rollbot drill payments-api --scenario my-world.yaml',
            'on your own scenario (see the default one)',
          ],
        ]),
      ),
  ).action((runbook: string, opts: RedisCliOptions & { scenario?: string; runbooks: string; out: string }) =>
    withSandbox((sandbox) => sandbox.runDrill(runbook, { ...opts, env: redisEnv(opts, env) })),
  );
}
