import { Cluster, Redis, type RedisOptions } from 'ioredis';

/**
 * How rollbot reaches Redis. Three shapes, chosen by which settings are present:
 * - plain:    REDIS_URL=redis://[:password@]host:6379/0 (rediss:// for TLS)
 * - Sentinel: REDIS_SENTINELS=host1:26379,host2:26379 + REDIS_SENTINEL_NAME=mymaster
 * - Cluster:  REDIS_CLUSTER_NODES=host1:6379,host2:6379
 * Commands fail fast while Redis is away (after two reconnect attempts) instead of queueing
 * forever: an approval must be refused, not left hanging, when its audit record cannot be written.
 * The client keeps reconnecting in the background, so rollbot recovers without a restart.
 */
export interface RedisSettings {
  url?: string | undefined;
  sentinels?: string[] | undefined;
  sentinelName?: string | undefined;
  clusterNodes?: string[] | undefined;
  password?: string | undefined;
}

const common: RedisOptions = {
  maxRetriesPerRequest: 2,
  connectTimeout: 5000,
  commandTimeout: 5000,
  retryStrategy: (times) => Math.min(times * 100, 2000),
  lazyConnect: false,
};

function hostPort(spec: string): { host: string; port: number } {
  const [host, port] = spec.trim().split(':');
  return { host: host!, port: Number(port ?? 6379) };
}

export function createRedisClient(settings: RedisSettings): Redis | Cluster {
  if (settings.clusterNodes?.length) {
    return new Cluster(settings.clusterNodes.map(hostPort), {
      redisOptions: { ...common, password: settings.password },
    });
  }
  if (settings.sentinels?.length) {
    return new Redis({
      ...common,
      sentinels: settings.sentinels.map(hostPort),
      name: settings.sentinelName ?? 'mymaster',
      password: settings.password,
    });
  }
  return new Redis(settings.url ?? 'redis://127.0.0.1:6379', { ...common, password: settings.password });
}

/** Where a client built from `settings` connects, for messages: never the password. */
export function describeRedisTarget(settings: RedisSettings): string {
  if (settings.clusterNodes?.length) return `Redis Cluster ${settings.clusterNodes.join(',')}`;
  if (settings.sentinels?.length)
    return `Redis Sentinel master "${settings.sentinelName ?? 'mymaster'}" via ${settings.sentinels.join(',')}`;
  const raw = settings.url ?? 'redis://127.0.0.1:6379';
  try {
    const u = new URL(raw);
    if (u.password) u.password = '***';
    return `Redis ${u.toString().replace(/\/$/, '')}`;
  } catch {
    // Not a URL (config parsing would have said so first): never print what might hold a password.
    return 'Redis (REDIS_URL)';
  }
}
