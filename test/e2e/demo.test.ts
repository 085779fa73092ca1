import { spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;

function rollbot(args: string[]): Promise<{ code: number | null; out: string; ms: number }> {
  const started = Date.now();
  // As the README's quick start runs it: no REDIS_URL, so the in-memory store.
  const { REDIS_URL: _redis, ...env } = process.env;
  const child = spawn(process.execPath, ['bin/rollbot.js', ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return new Promise((resolve) =>
    child.on('exit', (code) => resolve({ code, out, ms: Date.now() - started })),
  );
}

test('`rollbot demo` tells the whole story offline, exits 0, and writes transcript, audit and postmortem', async () => {
  const out = await mkdtemp(join(tmpdir(), 'rollbot-demo-'));
  const run = await rollbot(['demo', '--out', out]);
  expect(run.code).toBe(0);
  // the story: alert in, proposal with the plan, approval, live progress, result, audit lines
  expect(run.out).toContain('Alertmanager fires');
  expect(run.out).toContain('Rollback proposal: payments-api');
  expect(run.out).toContain('[ Approve ] [ Dismiss ]');
  expect(run.out).toContain('presses Approve');
  expect(run.out).toContain('successfully rolled out');
  expect(run.out).toContain('#rollbot-audit');
  expect(run.out).toMatch(/succeeded: payments-api 3 → 2; verification passed/);

  const transcript = await readFile(join(out, 'transcript.md'), 'utf8');
  expect(transcript).toContain('# What each channel shows at the end');
  const audit = (await readFile(join(out, 'audit.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(audit.map((r) => r.action)).toEqual(
    expect.arrayContaining(['alert.received', 'proposal.posted', 'approval.granted', 'rollback.succeeded']),
  );
  expect(audit.every((r, i) => i === 0 || r.prevHash === audit[i - 1].hash)).toBe(true);
  const postmortem = await readFile(join(out, 'postmortem.md'), 'utf8');
  expect(postmortem).toContain('## Timeline');
  expect(postmortem).toContain('registry.example.com/payments-api:1.4.2');
  expect(postmortem).toContain('Retry declined charges automatically');

  // The log is pure JSON lines: nothing from Slack's, Bolt's or Octokit's own loggers in between,
  // and none of their console lines ("[WARN]  web-api:…") on stdout either.
  const logLines = (await readFile(join(out, 'rollbot.log'), 'utf8')).split('\n').filter((l) => l !== '');
  const notJson = logLines.filter((l) => {
    try {
      return typeof JSON.parse(l) !== 'object';
    } catch {
      return true;
    }
  });
  expect(notJson).toEqual([]);
  expect(run.out).not.toMatch(/^\[(DEBUG|INFO|WARN|ERROR)\]/m);
  const logs = logLines.map((l) => JSON.parse(l) as Record<string, unknown>);
  // Every HTTP request into rollbot has one line with its id; the lines written while handling it carry the same id.
  const requests = logs.filter((l) => l.msg === 'request completed');
  expect(requests.map((l) => (l.req as { path: string }).path)).toEqual(
    expect.arrayContaining(['/webhooks/alertmanager', '/slack/events']),
  );
  for (const r of requests) expect(r.reqId).toEqual(expect.stringMatching(/^[0-9a-f-]{36}$/));
  expect(new Set(requests.map((r) => r.reqId)).size).toBe(requests.length);
  const alertRequest = requests.find((l) => (l.req as { path: string }).path === '/webhooks/alertmanager')!;
  expect(logs.find((l) => l.msg === 'alert batch accepted')).toMatchObject({ reqId: alertRequest.reqId });
}, 60_000);

test('`rollbot drill payments-api` rehearses the runbook through /rollback and passes', async () => {
  const out = await mkdtemp(join(tmpdir(), 'rollbot-drill-'));
  const run = await rollbot(['drill', 'payments-api', '--out', out]);
  if (run.code !== 0) console.error(run.out.slice(-3000));
  expect(run.code).toBe(0);
  expect(run.out).toContain('types: /rollback payments-api because drill');
  expect(run.out).toContain('Drill passed');
}, 60_000);
