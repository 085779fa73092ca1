import type { Command } from 'commander';
import { type Env, type RedisCliOptions, redisEnv, withRedisOptions } from '../redis-options.js';
import { examples } from '../help.js';

export function register(program: Command, env: Env): void {
  withRedisOptions(
    program
      .command('serve')
      .description(
        'run the bot: Slack endpoint, alert webhooks, /healthz, /readyz, /metrics (config from the environment)',
      )
      .addHelpText(
        'after',
        examples([
          ['set -a; . ./.env; set +a; rollbot serve', 'production: settings from .env (see .env.example)'],
          ['ROLLBOT_MODE=sandbox PORT=3000 rollbot serve', 'the bot on the built-in simulators, no console'],
        ]),
      ),
  ).action(async (opts: RedisCliOptions) => {
    const { serve } = await import('../serve.js');
    await serve(redisEnv(opts, env));
  });
}
