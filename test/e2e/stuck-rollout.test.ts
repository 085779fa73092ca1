/**
 * The shipped hard scenario, as an on-call engineer would rehearse it: `rollbot drill payments-api
 * --scenario stuck-rollout` (a rollout stuck at ProgressDeadlineExceeded, a cluster with real
 * controller latency, readiness delay and termination grace) rolls back and passes. Before the
 * wait step ignored the undone rollout's stale condition, this drill failed at `wait` with
 * "exceeded its progress deadline" although the rollback went on to succeed.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadScenario } from '@rollbot/sandbox/scenario';

const ROOT = new URL('../..', import.meta.url).pathname;

function rollbot(args: string[]): Promise<{ code: number | null; out: string }> {
  const { REDIS_URL: _redis, KUBECONFIG: _kube, ...env } = process.env;
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

test('the scenario answers every query the shipped runbook verifies with (else the drill waits for data)', async () => {
  const scenario = await loadScenario('stuck-rollout');
  const runbook = parse(await readFile(join(ROOT, 'runbooks', 'payments-api.yaml'), 'utf8')) as {
    verification: { type: string; with?: { query?: string } }[];
  };
  const queries = runbook.verification
    .filter((v) => v.type === 'prometheus.check')
    .map((v) => v.with!.query!);
  expect(queries.length).toBeGreaterThan(0);
  const known = scenario.metrics.map((m) => m.query.replace(/\s+/g, ''));
  for (const q of queries) expect(known).toContain(q.replace(/\s+/g, ''));
});

test('`rollbot drill payments-api --scenario stuck-rollout` rolls the stuck rollout back and passes', async () => {
  const out = await mkdtemp(join(tmpdir(), 'rollbot-drill-stuck-'));
  const run = await rollbot(['drill', 'payments-api', '--scenario', 'stuck-rollout', '--out', out]);
  if (run.code !== 0) console.error(run.out.slice(-3000));
  expect(run.code).toBe(0);
  expect(run.out).toContain('Drill passed');
  expect(run.out).toMatch(/succeeded: payments-api 3 → 2; verification passed/);
  expect(run.out).not.toContain('exceeded its progress deadline');
  const audit = (await readFile(join(out, 'audit.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { action: string; details?: Record<string, unknown> });
  expect(audit.find((r) => r.action === 'step.succeeded' && r.details?.['step'] === 'wait')).toBeDefined();
}, 120_000);

test('an unknown scenario name is refused with the built-in names', async () => {
  const run = await rollbot(['drill', 'payments-api', '--scenario', 'stuck-rolout']);
  expect(run.code).not.toBe(0);
  expect(run.out).toContain('unknown scenario "stuck-rolout"');
  expect(run.out).toContain('default, stuck-rollout');
}, 60_000);
