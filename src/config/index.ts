export { loadConfig, SANDBOX_SLACK, type Config } from './load.js';
export { envSchema, type Env } from './schema.js';
