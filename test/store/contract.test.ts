import type { Redis } from 'ioredis';
import { MemoryStore } from '../../src/store/index.js';
import { dropPrefix, testRedisStore } from '../helpers/redis.js';
import { storeContract as contract } from './contract.js';

contract('memory', () => ({ store: new MemoryStore(), cleanup: async () => undefined }));

let redisClients: Redis[] = [];
contract('redis', () => {
  const { store, redis, prefix } = testRedisStore();
  redisClients.push(redis);
  return {
    store,
    cleanup: async () => {
      await dropPrefix(redis, prefix);
      redis.disconnect();
    },
  };
});
afterAll(() => {
  redisClients = [];
});
