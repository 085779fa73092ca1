/**
 * Issue 17: the `gitops:` block and the gitops.* steps are checked at load time (and so by
 * `rollbot runbooks lint`), and the README's copy-paste runbooks for Argo CD and Flux are valid.
 */
import { parse } from 'yaml';
import { runbookSchema } from '../../src/runbooks/schema.js';
import { readmeYaml } from '../helpers/readme.js';

const base = {
  name: 'payments-api',
  version: '1',
  target: { namespace: 'payments', deployment: 'payments-api' },
  channel: 'C0PAYMENTS',
  approval: { approvers: { users: ['U0BOB'] } },
};
const messages = (doc: unknown) => {
  const r = runbookSchema.safeParse(doc);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

test('the README’s Argo CD and Flux runbooks are valid runbooks', () => {
  for (const marker of ['# Argo CD runbook', '# Flux runbook']) {
    const doc = parse(readmeYaml(marker).replaceAll('"…"', '"up"'));
    expect(messages(doc)).toEqual([]);
    expect(runbookSchema.parse(doc).gitops).toMatchObject({ ref: 'main' });
  }
});

test('gitops: defaults (ref main, merge auto) and what lint says about mixed or missing steps', () => {
  const ok = runbookSchema.parse({
    ...base,
    gitops: { repo: 'acme/deploy', path: 'apps/payments/kustomization.yaml' },
    steps: [{ type: 'gitops.merge' }, { type: 'gitops.waitSync' }],
  });
  expect(ok.gitops).toEqual({
    repo: 'acme/deploy',
    path: 'apps/payments/kustomization.yaml',
    ref: 'main',
    merge: 'auto',
  });
  expect(
    messages({
      ...base,
      gitops: { repo: 'acme/deploy', path: 'a.yaml' },
      steps: [{ type: 'k8s.rolloutUndo' }],
    }),
  ).toEqual([
    'steps: a gitops: runbook needs a gitops.merge step (it merges the revert pull request)',
    'steps.0.type: k8s.rolloutUndo next to gitops: the controller would put the image in Git back',
  ]);
  expect(messages({ ...base, steps: [{ type: 'gitops.merge' }] })).toEqual([
    'steps.0.type: gitops.merge needs a gitops: block (repo, path, ref) in the runbook',
  ]);
  expect(
    messages({
      ...base,
      gitops: { repo: 'acme', path: '/abs.yaml', merge: 'sometimes' },
      steps: [{ type: 'gitops.merge' }],
    }),
  ).toHaveLength(3);
});
