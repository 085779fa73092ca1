export { loadConfig, SANDBOX_SLACK, type Config } from './load.js';
export { envSchema, type Env } from './schema.js';
export { loadRedisConfig, isRedisConfigured, REDIS_VARIABLES, type RedisConnection } from './redis.js';
