/**
 * Every command exits non-zero on a fatal error, says what went wrong, and does not hang: each
 * runs as a real child process (`bin/rollbot.js`), and a hang would fail the test by its timeout
 * rather than a wall-clock assertion. Commands that start things (serve, demo, drill, sandbox)
 * fail after part of the world is up, to prove they stop what they started.
 */
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { jest } from '@jest/globals';
import { rollbot } from '../helpers/cli.js';
import { freePort, tempDir } from '../helpers/infra/daemon.js';

jest.setTimeout(90_000);

let dir: Awaited<ReturnType<typeof tempDir>>;
let closedPort: number;
let busy: Server;
let busyPort: number;
beforeAll(async () => {
  dir = await tempDir('cli-exits');
  closedPort = await freePort(); // nothing listens here
  busy = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => busy.once('listening', r));
  busyPort = (busy.address() as { port: number }).port;
  await writeFile(
    `${dir.path}/kubeconfig`,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: gone, cluster: {server: "https://127.0.0.1:' + closedPort + '"}}]',
      'users: [{name: u, user: {token: t}}]',
      'contexts: [{name: gone, context: {cluster: gone, user: u}}]',
      'current-context: gone',
      '',
    ].join('\n'),
  );
});
afterAll(async () => {
  busy?.close();
  await dir?.cleanup();
});

const unreachableRedis = () => ['--redis-url', `redis://127.0.0.1:${closedPort}`];

describe('fatal errors end every command with a non-zero exit and a reason', () => {
  test('serve: the runbook directory is missing (sandbox mode)', async () => {
    const r = await rollbot(['serve'], {
      ROLLBOT_MODE: 'sandbox',
      PORT: '0',
      RUNBOOKS_DIR: `${dir.path}/none`,
    });
    expect(r.stderr).toContain('rollbot could not start');
    expect(r.stderr).toContain('cannot read runbook directory');
    expect(r.code).toBe(1);
  });

  test('serve: production, the port is taken (its Redis client was already open)', async () => {
    const r = await rollbot(['serve', ...unreachableRedis()], {
      SLACK_SIGNING_SECRET: 'exits-signing-secret',
      SLACK_BOT_TOKEN: 'xoxb-exits',
      HOST: '127.0.0.1',
      PORT: String(busyPort),
      KUBECONFIG: `${dir.path}/kubeconfig`,
    });
    expect(r.stderr).toMatch(/could not start.*EADDRINUSE/);
    expect(r.code).toBe(1);
  });

  test('demo: the runbook directory is missing', async () => {
    const r = await rollbot(['demo', '--runbooks', `${dir.path}/none`, '--out', `${dir.path}/demo`]);
    expect(r.stderr).toContain('cannot read runbook directory');
    expect(r.stderr).toContain('the demo could not run');
    expect(r.code).toBe(1);
  });

  test('drill: a runbook name with a typo', async () => {
    const r = await rollbot(['drill', 'payments-apj', '--out', `${dir.path}/drill`]);
    expect(r.stderr).toContain('no runbook for service "payments-apj"');
    expect(r.stderr).toContain('have: checkout-web, payments-api');
    expect(r.code).toBe(1);
  });

  test('drill: Redis unreachable — the story fails instead of waiting forever', async () => {
    const r = await rollbot(['drill', 'payments-api', '--out', `${dir.path}/drill2`, ...unreachableRedis()]);
    expect(`${r.stdout}${r.stderr}`).toMatch(/FAILED|could not run/);
    expect(r.code).toBe(1);
  });

  test('sandbox: the runbook directory is missing', async () => {
    const r = await rollbot([
      'sandbox',
      '--port',
      '0',
      '--runbooks',
      `${dir.path}/none`,
      '--log-dir',
      `${dir.path}/sbx`,
    ]);
    expect(r.stderr).toContain('could not start');
    expect(r.code).toBe(1);
  });

  test.each([
    ['audit', 'verify'],
    ['audit', 'export'],
    ['audit', 'trim', '--older-than', '90d'],
    ['postmortem', 'inc-1'],
  ])('%s %s: Redis unreachable — names the Redis it tried', async (...args) => {
    const r = await rollbot([...args, ...unreachableRedis()]);
    expect(r.stderr).toContain(`Redis redis://127.0.0.1:${closedPort}`);
    expect(r.code).toBe(1);
  });

  test('audit verify: a Cluster no node of which answers (its client would queue forever)', async () => {
    const r = await rollbot(['audit', 'verify', '--redis-cluster-nodes', `127.0.0.1:${closedPort}`]);
    expect(r.stderr).toContain(`Redis Cluster 127.0.0.1:${closedPort}`);
    expect(r.code).toBe(1);
  });

  test('audit: a malformed Redis flag is refused before connecting', async () => {
    const r = await rollbot(['audit', 'verify', '--redis-url', 'http://redis:6379']);
    expect(r.stderr).toContain('REDIS_URL is invalid');
    expect(r.code).toBe(1);
  });

  test.each([['history'], ['status'], ['undo']])('%s: the cluster is unreachable', async (cmd) => {
    const r = await rollbot([cmd, 'payments/payments-api', '--kubeconfig', `${dir.path}/kubeconfig`]);
    expect(r.stderr).toMatch(/error:/);
    expect(r.code).toBe(1);
  });

  test('runbooks lint: no such directory', async () => {
    const r = await rollbot(['runbooks', 'lint', `${dir.path}/none`]);
    expect(r.stdout).toContain('cannot read runbook directory');
    expect(r.code).toBe(1);
  });

  test('an unknown command', async () => {
    const r = await rollbot(['rollback-everything']);
    expect(r.stderr).toContain("unknown command 'rollback-everything'");
    expect(r.code).toBe(1);
  });
});
