import type { Command } from 'commander';
import { type RedisConnection, loadRedisConfig } from '../config/index.js';
import { asRollbotError } from '../core/errors.js';
import { RedisStore, createRedisClient, describeRedisTarget } from '../store/index.js';

/**
 * One Redis configuration for every command (serve, audit, postmortem, drill, demo): the same flags
 * on each, applied over the same REDIS_* variables (a flag wins over its variable, and a flag for
 * one topology replaces the others: `--redis-cluster-nodes` ignores a REDIS_URL from the
 * environment). The password comes only from REDIS_PASSWORD or the URL: never a flag, which `ps`
 * would show.
 */
/** The environment a command was started with (src/cli/main.ts reads it, once). */
export type Env = NodeJS.ProcessEnv;

export interface RedisCliOptions {
  redisUrl?: string;
  redisSentinels?: string;
  redisSentinelName?: string;
  redisClusterNodes?: string;
  prefix?: string;
}

export function withRedisOptions(cmd: Command): Command {
  return cmd
    .option('--redis-url <url>', 'Redis URL, redis://[:password@]host:6379/0 (env REDIS_URL)')
    .option('--redis-sentinels <host:port,…>', 'Sentinel addresses (env REDIS_SENTINELS)')
    .option('--redis-sentinel-name <name>', 'master name Sentinel monitors (env REDIS_SENTINEL_NAME)')
    .option('--redis-cluster-nodes <host:port,…>', 'Redis Cluster nodes (env REDIS_CLUSTER_NODES)')
    .option('--prefix <prefix>', 'key prefix (env REDIS_KEY_PREFIX, default rollbot:)');
}

/** The environment with the flags applied, for commands that hand it on (serve, demo, drill). */
export function redisEnv(opts: RedisCliOptions, env: Env): Env {
  const out = { ...env };
  const topology = opts.redisUrl ?? opts.redisSentinels ?? opts.redisClusterNodes;
  if (topology !== undefined) {
    for (const k of ['REDIS_URL', 'REDIS_SENTINELS', 'REDIS_SENTINEL_NAME', 'REDIS_CLUSTER_NODES'])
      delete out[k];
  }
  const set = (k: string, v: string | undefined) => void (v !== undefined && (out[k] = v));
  set('REDIS_URL', opts.redisUrl);
  set('REDIS_SENTINELS', opts.redisSentinels);
  set('REDIS_SENTINEL_NAME', opts.redisSentinelName);
  set('REDIS_CLUSTER_NODES', opts.redisClusterNodes);
  set('REDIS_KEY_PREFIX', opts.prefix);
  return out;
}

/** What a command reading rollbot's state connects to; nothing configured = the local default. */
export function redisTarget(
  opts: RedisCliOptions,
  env: Env,
): { connection: RedisConnection; keyPrefix: string; describe: string } {
  const { connection, keyPrefix } = loadRedisConfig(redisEnv(opts, env));
  const effective =
    connection.url || connection.sentinels?.length || connection.clusterNodes?.length
      ? connection
      : { ...connection, url: 'redis://127.0.0.1:6379' };
  return { connection: effective, keyPrefix, describe: describeRedisTarget(effective) };
}

/** Prints a RollbotError (message, hint) to stderr and sets exit code 1. */
export function reportCliError(err: unknown, context = ''): void {
  const e = asRollbotError(err);
  process.stderr.write(`error: ${e.message}${context}\n${e.hint ? `  hint: ${e.hint}\n` : ''}`);
  process.exitCode = 1;
}

/**
 * Opens the store, runs `fn`, closes the client; failures become a message on stderr naming the
 * Redis and prefix, and exit code 1.
 */
export async function withStore(
  opts: RedisCliOptions,
  env: Env,
  fn: (store: RedisStore, target: { keyPrefix: string; describe: string }) => Promise<void>,
): Promise<void> {
  let target: ReturnType<typeof redisTarget>;
  try {
    target = redisTarget(opts, env);
  } catch (err) {
    return reportCliError(err);
  }
  const redis = createRedisClient(target.connection);
  redis.on('error', () => undefined); // a failing command reports it, with the target named
  const store = new RedisStore(redis, target.keyPrefix);
  try {
    await fn(store, target);
  } catch (err) {
    reportCliError(err, ` (${target.describe}, prefix "${target.keyPrefix}")`);
  } finally {
    await store.close();
  }
}
