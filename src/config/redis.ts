import { RollbotError } from '../core/errors.js';
import type { RedisSettings } from '../store/redis-client.js';
import { type Env, envSchema, fixHints } from './schema.js';

/**
 * Where rollbot's shared state lives, read from the same variables by every command (serve,
 * audit, postmortem, drill, demo): REDIS_URL, or REDIS_SENTINELS + REDIS_SENTINEL_NAME, or
 * REDIS_CLUSTER_NODES, plus REDIS_PASSWORD and REDIS_KEY_PREFIX. CLI flags are applied to these
 * variables first (src/cli/redis-options.ts), so a flag and its variable can never disagree.
 */
/** The connection settings, in the shape the store's client factory takes. */
export type RedisConnection = RedisSettings;

export const REDIS_VARIABLES = [
  'REDIS_URL',
  'REDIS_SENTINELS',
  'REDIS_SENTINEL_NAME',
  'REDIS_CLUSTER_NODES',
  'REDIS_PASSWORD',
  'REDIS_KEY_PREFIX',
] as const satisfies readonly (keyof Env)[];

const redisSchema = envSchema.pick({
  REDIS_URL: true,
  REDIS_SENTINELS: true,
  REDIS_SENTINEL_NAME: true,
  REDIS_CLUSTER_NODES: true,
  REDIS_PASSWORD: true,
  REDIS_KEY_PREFIX: true,
});

type RedisEnv = Pick<Env, (typeof REDIS_VARIABLES)[number]>;

/** The connection from already-parsed variables (loadConfig uses this too). */
export function redisConnectionOf(e: RedisEnv): RedisConnection {
  return {
    url: e.REDIS_URL,
    sentinels: e.REDIS_SENTINELS,
    sentinelName: e.REDIS_SENTINEL_NAME,
    clusterNodes: e.REDIS_CLUSTER_NODES,
    password: e.REDIS_PASSWORD,
  };
}

export const isRedisConfigured = (c: RedisConnection): boolean =>
  Boolean(c.url || c.sentinels?.length || c.clusterNodes?.length);

/** Only the Redis variables, checked as loadConfig checks them; empty strings count as unset. */
export function loadRedisConfig(env: NodeJS.ProcessEnv): { connection: RedisConnection; keyPrefix: string } {
  const cleaned = Object.fromEntries(
    REDIS_VARIABLES.map((k) => [k, env[k]]).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = redisSchema.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const name = String(i.path[0]) as keyof Env;
      return `${name} is invalid: ${i.message}${fixHints[name] ? ` — ${fixHints[name]}` : ''}`;
    });
    throw new RollbotError(
      'config_invalid',
      `Redis configuration is invalid:\n  - ${problems.join('\n  - ')}`,
      {
        hint: 'give one of --redis-url, --redis-sentinels (+ --redis-sentinel-name) or --redis-cluster-nodes, or the REDIS_* variables',
      },
    );
  }
  return { connection: redisConnectionOf(parsed.data), keyPrefix: parsed.data.REDIS_KEY_PREFIX };
}
