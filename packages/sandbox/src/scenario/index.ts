/** Scenarios: the YAML description of a sandbox world (schema, loader, the built-in default.yaml). */
export {
  BUILT_IN_SCENARIOS,
  DEFAULT_SCENARIO_PATH,
  loadScenario,
  parseScenario,
  resolveScenarioPath,
  scenarioPath,
} from './load.js';
export {
  scenarioSchema,
  timingSchema,
  DEFAULT_TIMING,
  type Scenario,
  type ScenarioTiming,
} from './schema.js';
