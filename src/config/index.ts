export { loadConfig, logLevelFrom, type Config, type RunbookVars } from './load.js';
export { loadRedisConfig, type RedisConnection } from './redis.js';
export { buildInfo, type BuildInfo } from './build.js';
