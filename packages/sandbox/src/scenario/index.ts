/** Scenarios: the YAML description of a sandbox world (schema, loader, the built-in default.yaml). */
export {
  BUILTIN_SCENARIOS,
  DEFAULT_SCENARIO_PATH,
  loadScenario,
  parseScenario,
  scenarioPath,
} from './load.js';
export { scenarioSchema, type Scenario } from './schema.js';
