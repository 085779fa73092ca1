import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { SandboxError } from '../errors.js';
import { packageFile } from '../files.js';
import { type Scenario, scenarioSchema } from './schema.js';

export const DEFAULT_SCENARIO_PATH = packageFile('src', 'scenario', 'default.yaml');

/** The built-in scenarios beside default.yaml, by name (`default`, `gitops`). */
export const BUILTIN_SCENARIOS = ['default', 'gitops'] as const;
export const scenarioPath = (name: (typeof BUILTIN_SCENARIOS)[number]): string =>
  packageFile('src', 'scenario', `${name}.yaml`);

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

export async function loadScenario(path: string = DEFAULT_SCENARIO_PATH): Promise<Scenario> {
  return parseScenario(await readFile(path, 'utf8'), path);
}
