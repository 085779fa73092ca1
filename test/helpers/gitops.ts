/**
 * The `gitops` sandbox world for end-to-end tests: the scenario (Argo CD deploys payments-api from
 * acme/deploy, self-heal on) with a test's edits, and a fast copy of runbooks/gitops/.
 */
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scenarioPath } from '@rollbot/sandbox/scenario';
import { parse, stringify } from 'yaml';
import { REPO_RUNBOOKS } from './bot.js';

type Doc = Record<string, any>;

export async function gitopsScenarioYaml(edit: (s: Doc) => void = () => undefined): Promise<string> {
  const s = parse(await readFile(scenarioPath('gitops'), 'utf8')) as Doc;
  edit(s);
  return stringify(s);
}

/** runbooks/gitops/*.yaml, verification made fast (no holds, short intervals), then `edit`. */
export async function gitopsRunbooks(edit: (doc: Doc) => void = () => undefined): Promise<string> {
  const from = join(REPO_RUNBOOKS, 'gitops');
  const dir = await mkdtemp(join(tmpdir(), 'rollbot-gitops-runbooks-'));
  for (const file of await readdir(from)) {
    if (!file.endsWith('.yaml')) continue;
    const doc = parse(await readFile(join(from, file), 'utf8')) as Doc;
    for (const check of doc.verification ?? []) {
      if (check.with) Object.assign(check.with, { holdFor: '0s', interval: '100ms' });
      delete check.retry;
    }
    edit(doc);
    await writeFile(join(dir, file), stringify(doc));
  }
  return dir;
}

export const CONFIG_REPO = 'acme/deploy';
export const KUSTOMIZATION = 'apps/payments/kustomization.yaml';
