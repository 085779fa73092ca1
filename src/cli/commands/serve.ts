import type { Command } from 'commander';
import { type Env, type RedisCliOptions, redisEnv, withRedisOptions } from '../redis-options.js';

export function register(program: Command, env: Env): void {
  withRedisOptions(
    program
      .command('serve')
      .description(
        'run the bot: Slack endpoint, alert webhooks, /healthz, /readyz, /metrics (config from the environment)',
      ),
  ).action(async (opts: RedisCliOptions) => {
    const { serve } = await import('../serve.js');
    await serve(redisEnv(opts, env));
  });
}
