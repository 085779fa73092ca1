import type { Command } from 'commander';
import { withSandbox } from '../load-sandbox.js';
import { type Env, type RedisCliOptions, redisEnv, withRedisOptions } from '../redis-options.js';
import { examples } from '../help.js';

export function register(program: Command, env: Env): void {
  withRedisOptions(
    program
      .command('demo')
      .description(
        'the whole story offline: a bad release of payments-api pages, rollbot proposes, on-call approves, the runbook rolls back and verifies; writes transcript.md, audit.jsonl and postmortem.md',
      )
      .option(
        '--out <dir>',
        'where to write transcript.md, audit.jsonl, postmortem.md and rollbot.log',
        'demo-out',
      )
      .option(
        '--scenario <name|file>',
        'sandbox scenario: a built-in name (default, stuck-rollout, gitops: Argo CD deploys payments-api, rolled back through a revert pull request) or a YAML file (default: default)',
      )
      .option('--runbooks <dir>', 'runbooks directory', 'runbooks')
      .option('--service <name>', 'service to roll back', 'payments-api')
      .addHelpText(
        'after',
        examples([
          ['rollbot demo', 'payments-api: alert → proposal → approval → rollback → postmortem'],
          [
            'rollbot demo --service checkout-web --out /tmp/demo',
            'the other example runbook, output elsewhere',
          ],
        ]),
      ),
  ).action((opts: RedisCliOptions & { out: string; scenario?: string; runbooks: string; service: string }) =>
    withSandbox((sandbox) => sandbox.runDemo({ ...opts, env: redisEnv(opts, env) })),
  );
}
