/** Scenarios: the YAML description of a sandbox world (schema, loader, the built-in default.yaml). */
export { DEFAULT_SCENARIO_PATH, loadScenario, parseScenario } from './load.js';
export { scenarioSchema, type Scenario } from './schema.js';
