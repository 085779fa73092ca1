export type { Store, LeaseInfo, StreamEntry } from './store.js';
export { RedisStore } from './redis-store.js';
export { MemoryStore } from './memory-store.js';
export { createRedisClient, describeRedisTarget } from './redis-client.js';
