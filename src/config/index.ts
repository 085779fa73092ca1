export {
  loadConfig,
  logLevelFrom,
  SANDBOX_SLACK,
  RUNBOOK_VAR_PREFIX,
  type Config,
  type RunbookVars,
} from './load.js';
export { envSchema, type Env } from './schema.js';
