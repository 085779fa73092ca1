import type { Command } from 'commander';
import { asRollbotError } from '../core/errors.js';
import { RedisStore, createRedisClient } from '../store/index.js';

/** CLI commands that read rollbot's state straight from Redis (audit, postmortem). */
export interface ConnOptions {
  redisUrl: string;
  prefix: string;
}

export function withConnection(cmd: Command): Command {
  return cmd
    .option(
      '--redis-url <url>',
      'Redis URL (env REDIS_URL)',
      process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    )
    .option(
      '--prefix <prefix>',
      'key prefix (env REDIS_KEY_PREFIX)',
      process.env.REDIS_KEY_PREFIX ?? 'rollbot:',
    );
}

/** Opens the store, runs `fn`, closes the client; failures become a message on stderr and exit code 1. */
export async function withStore(opts: ConnOptions, fn: (store: RedisStore) => Promise<void>): Promise<void> {
  const redis = createRedisClient({ url: opts.redisUrl });
  redis.on('error', () => undefined); // surfaced by the failing command instead
  const store = new RedisStore(redis, opts.prefix);
  try {
    await fn(store);
  } catch (err) {
    const e = asRollbotError(err);
    process.stderr.write(`error: ${e.operatorMessage}\n`);
    process.exitCode = 1;
  } finally {
    await store.close();
  }
}
