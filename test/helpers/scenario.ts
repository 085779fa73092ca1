/**
 * Scenario variants for end-to-end tests: the default sandbox world (packages/sandbox/src/scenario/default.yaml)
 * with a test's edits applied, as YAML text for `startBot({ scenarioYaml })`.
 */
import { readFile } from 'node:fs/promises';
import { DEFAULT_SCENARIO_PATH } from '@rollbot/sandbox/scenario';
import { parse, stringify } from 'yaml';

export async function scenarioYaml(edit: (scenario: Record<string, any>) => void): Promise<string> {
  const scenario = parse(await readFile(DEFAULT_SCENARIO_PATH, 'utf8')) as Record<string, any>;
  edit(scenario);
  return stringify(scenario);
}

/** Edits one Deployment of the scenario by name. */
export function deployment(scenario: Record<string, any>, name: string): Record<string, any> {
  const found = (scenario.cluster.deployments as Record<string, any>[]).find((d) => d.name === name);
  if (!found) throw new Error(`no deployment ${name} in the scenario`);
  return found;
}
