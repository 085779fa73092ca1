import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisStore } from '../../src/store/index.js';

/** A RedisStore on the test Redis under a fresh key prefix, so runs never see each other. */
export function testRedisStore(): { store: RedisStore; redis: Redis; prefix: string } {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
  const prefix = `test:${randomUUID()}:`;
  return { store: new RedisStore(redis, prefix), redis, prefix };
}

/** Deletes every key under a test prefix (SCAN, never FLUSHALL). */
export async function dropPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
