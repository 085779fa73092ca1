/**
 * What a scraper and a stock dashboard see on /metrics of a running bot: the exposition passes the
 * real `promtool check metrics` (Debian's prometheus package), process and runtime metrics keep
 * their standard names (`process_*`, `nodejs_*`), no gauge ends in `_total`, the rollback counters
 * have a zero series per runbook service before anything happened, `rollbot_build_info` says
 * which build answers (as /healthz and `rollbot --version` do), and HEAD is answered like GET.
 */
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startBot, type Bot } from '../helpers/bot.js';
import { describeWithBinaries } from '../helpers/infra/binaries.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const VERSION = (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { version: string }).version;

let bot: Bot;
beforeAll(async () => {
  bot = await startBot({ store: 'memory' });
}, 60_000);
afterAll(async () => bot?.close());

const scrape = async () => (await fetch(`${bot.url}/metrics`)).text();

function promtool(path: string, text: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(path, ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => resolve({ code: code ?? 1, out }));
    child.stdin.end(text);
  });
}

describeWithBinaries(['promtool'], 'promtool', ({ promtool: path }) => {
  test('the exposition passes promtool check metrics, with no complaint at all', async () => {
    expect(await promtool(path, await scrape())).toEqual({ code: 0, out: '' });
  });
});

test('process and runtime metrics have their standard names; no gauge ends in _total', async () => {
  const text = await scrape();
  const types = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => ({ name: m[1]!, type: m[2]! }));
  const names = types.map((t) => t.name);
  expect(names).toEqual(
    expect.arrayContaining([
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'process_start_time_seconds',
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
      'nodejs_active_handles',
      'nodejs_version_info',
    ]),
  );
  expect(names.filter((n) => n.startsWith('rollbot_process_'))).toEqual([]);
  expect(types.filter((t) => t.type !== 'counter' && t.name.endsWith('_total'))).toEqual([]);
});

test('the rollback counters have a zero series per runbook service on a fresh start', async () => {
  const text = await scrape();
  for (const service of bot.app.registry().services()) {
    for (const result of ['succeeded', 'failed', 'cancelled'])
      expect(text).toContain(`rollbot_rollbacks_total{service="${service}",result="${result}"} 0`);
    expect(text).toContain(`rollbot_proposals_total{service="${service}",origin="alert"} 0`);
    expect(text).toContain(`rollbot_oscillations_total{service="${service}"} 0`);
  }
  expect(bot.app.registry().services()).toEqual(expect.arrayContaining(['payments-api', 'checkout-web']));
});

test('rollbot_build_info, /healthz and `rollbot --version` name the same version and commit', async () => {
  const text = await scrape();
  const info = /^rollbot_build_info\{version="([^"]+)",commit="([^"]+)"\} 1$/m.exec(text);
  expect(info?.[1]).toBe(VERSION);
  const health = (await (await fetch(`${bot.url}/healthz`)).json()) as Record<string, string>;
  expect(health).toEqual({ status: 'ok', version: VERSION, commit: info![2], node: process.version });
  const cli = await new Promise<string>((resolve) =>
    execFile(
      process.execPath,
      ['bin/rollbot.js', '--version'],
      { cwd: ROOT, env: { ...process.env, ROLLBOT_FROM_SOURCE: '1' } },
      (_e, out) => resolve(out),
    ),
  );
  expect(cli.trim()).toBe(`rollbot ${VERSION} (commit ${info![2]}, Node.js ${process.version})`);
});

test('HEAD /metrics and HEAD /healthz answer 200 with GET’s headers and no body; POST names what is allowed', async () => {
  const head = await fetch(`${bot.url}/metrics`, { method: 'HEAD' });
  expect(head.status).toBe(200);
  expect(head.headers.get('content-type')).toMatch(/^text\/plain/);
  expect(await head.text()).toBe('');
  expect((await fetch(`${bot.url}/healthz`, { method: 'HEAD' })).status).toBe(200);
  const post = await fetch(`${bot.url}/metrics`, { method: 'POST' });
  expect(post.status).toBe(405);
  expect(post.headers.get('allow')).toBe('GET, HEAD');
});
