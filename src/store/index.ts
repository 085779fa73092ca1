export type { Store, SetOptions, LeaseInfo, LeaseResult, StreamEntry } from './store.js';
export { RedisStore } from './redis-store.js';
export { MemoryStore, compareIds } from './memory-store.js';
export { createRedisClient, describeRedisTarget, type RedisSettings } from './redis-client.js';
