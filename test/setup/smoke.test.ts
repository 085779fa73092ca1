import { Redis } from 'ioredis';

test('a Redis answers for the test run', async () => {
  const redis = new Redis(process.env.REDIS_URL!);
  await expect(redis.ping()).resolves.toBe('PONG');
  redis.disconnect();
});
