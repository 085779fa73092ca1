import { ensureRedis } from './ensure-redis.mjs';

export default async function globalSetup() {
  const { url, child } = await ensureRedis();
  // Workers are forked after global setup, so they inherit this.
  process.env.REDIS_URL = url;
  globalThis.__rollbotRedisChild = child;
}
