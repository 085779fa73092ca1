import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { SandboxError } from '../errors.js';
import { packageFile } from '../files.js';
import { type Scenario, scenarioSchema } from './schema.js';

export const DEFAULT_SCENARIO_PATH = packageFile('src', 'scenario', 'default.yaml');

/** Scenarios shipped with the package, by name (`--scenario stuck-rollout`). */
export const BUILT_IN_SCENARIOS = ['default', 'stuck-rollout', 'gitops'] as const;

/** The file of a built-in scenario. */
export const scenarioPath = (name: (typeof BUILT_IN_SCENARIOS)[number]): string =>
  packageFile('src', 'scenario', `${name}.yaml`);

/**
 * A scenario argument as the CLI takes it: a built-in scenario's name, or a path to a YAML file.
 * A name that is also an existing file is the file (an explicit path always wins).
 */
export function resolveScenarioPath(nameOrPath: string | undefined): string {
  if (nameOrPath === undefined) return DEFAULT_SCENARIO_PATH;
  if (existsSync(nameOrPath)) return nameOrPath;
  if ((BUILT_IN_SCENARIOS as readonly string[]).includes(nameOrPath))
    return packageFile('src', 'scenario', `${nameOrPath}.yaml`);
  if (/^[a-z0-9-]+$/.test(nameOrPath))
    throw new SandboxError('bad_scenario', `unknown scenario "${nameOrPath}"`, {
      hint: `built-in scenarios: ${BUILT_IN_SCENARIOS.join(', ')}; or give the path of a scenario YAML file`,
    });
  return nameOrPath;
}

export function parseScenario(text: string, source = 'scenario'): Scenario {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new SandboxError('bad_scenario', `${source} is not valid YAML: ${(err as Error).message}`, {
      hint: 'fix the YAML syntax',
    });
  }
  const result = scenarioSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new SandboxError(
      'bad_scenario',
      `${source}: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
      {
        hint: 'see packages/sandbox/src/scenario/schema.ts for the scenario format',
      },
    );
  }
  return result.data;
}

/** Loads a scenario file, or a built-in scenario by name. */
export async function loadScenario(nameOrPath?: string): Promise<Scenario> {
  const path = resolveScenarioPath(nameOrPath);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new SandboxError('bad_scenario', `cannot read scenario ${path}: ${(err as Error).message}`, {
      hint: `give the path of a scenario YAML file, or a built-in name (${BUILT_IN_SCENARIOS.join(', ')})`,
    });
  }
  return parseScenario(text, path);
}
