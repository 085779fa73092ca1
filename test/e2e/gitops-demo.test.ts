/**
 * Issue 17: `rollbot demo --scenario gitops` tells the GitOps story offline — a `kubectl rollout
 * undo` put back by Argo CD's self-heal, then the proposal with the revert pull request, the merge,
 * the sync and a verified rollback — and exits 0.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;

function rollbot(args: string[]): Promise<{ code: number | null; out: string }> {
  const { REDIS_URL: _redis, ...env } = process.env;
  const child = spawn(process.execPath, ['bin/rollbot.js', ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out })));
}

test('`rollbot demo --scenario gitops`: the undo that does not stick, then the revert PR that does', async () => {
  const out = await mkdtemp(join(tmpdir(), 'rollbot-demo-gitops-'));
  const run = await rollbot(['demo', '--scenario', 'gitops', '--out', out]);
  expect(run.code).toBe(0);
  expect(run.out).toMatch(/Argo CD app payments deploys payments\/payments-api from acme\/deploy/);
  expect(run.out).toMatch(/kubectl rollout undo deployment\/payments-api -n payments/);
  expect(run.out).toMatch(
    /self-heal: .*synced registry\.example\.com\/payments-api:1\.5\.0 back\. The undo did not stick/,
  );
  expect(run.out).toContain('Managed by Argo CD (app payments)');
  expect(run.out).toMatch(/Rollback through Git:\* pull request #1/);
  expect(run.out).toMatch(/sync to registry\.example\.com\/payments-api:1\.4\.2/);
  expect(run.out).toMatch(/succeeded: payments-api \d+ → \d+; verification passed/);
  const postmortem = await readFile(join(out, 'postmortem.md'), 'utf8');
  expect(postmortem).toContain('https://github.com/acme/deploy/pull/1');
  // The story takes half a minute on a quiet machine (holds, self-heal delay, rollouts); far more on a busy one.
}, 180_000);
