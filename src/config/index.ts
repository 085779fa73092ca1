export {
  loadConfig,
  logLevelFrom,
  SANDBOX_SLACK,
  RUNBOOK_VAR_PREFIX,
  type Config,
  type RunbookVars,
} from './load.js';
export { envSchema, type Env } from './schema.js';
export { loadRedisConfig, isRedisConfigured, REDIS_VARIABLES, type RedisConnection } from './redis.js';
