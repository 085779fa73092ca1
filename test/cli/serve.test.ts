import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

const BIN = new URL('../../bin/rollbot.js', import.meta.url).pathname;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

const children: ReturnType<typeof run>[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.child.exitCode === null) c.child.kill('SIGKILL');
});

describe('rollbot serve', () => {
  // As `npm ci` leaves it: the bundles (dist/rollbot.mjs, and in sandbox mode rollbot-sandbox.mjs),
  // which bin/rollbot.js runs when fresh.
  // How fast it starts is a benchmark's question, not a test's (no wall-clock bounds here).
  beforeAll(async () => {
    const build = spawn(process.execPath, [new URL('../../scripts/build.mjs', import.meta.url).pathname], {
      cwd: new URL('../..', import.meta.url).pathname,
      stdio: 'inherit',
    });
    expect(await new Promise((r) => build.on('exit', r))).toBe(0);
  }, 60_000);

  test('sandbox mode starts, answers /healthz, /readyz, /metrics, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const started = Date.now();
    const proc = run({ ROLLBOT_MODE: 'sandbox', PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' });
    children.push(proc);
    let health: Response | undefined;
    while (Date.now() - started < 10_000) {
      health = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
      if (health?.ok) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(health?.status).toBe(200);

    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
    const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('rollbot_alerts_received_total');

    proc.child.kill('SIGTERM');
    const code = await proc.exited;
    expect(code).toBe(0);
    // pino JSON on stdout, one object per line
    const lines = proc.out().trim().split('\n');
    expect(lines.every((l) => JSON.parse(l))).toBeTruthy();
    expect(proc.out()).toContain('rollbot stopped');
  });

  test('production mode without SLACK_SIGNING_SECRET refuses to start, naming the variable', async () => {
    const proc = run({
      ROLLBOT_MODE: 'production',
      SLACK_BOT_TOKEN: 'xoxb-1',
      REDIS_URL: 'redis://127.0.0.1:6379',
      PORT: '0',
    });
    expect(await proc.exited).toBe(1);
    expect(proc.err()).toContain('SLACK_SIGNING_SECRET is missing');
    expect(proc.err()).toContain('Signing Secret');
  });

  test('--help works on every command', async () => {
    for (const args of [
      ['--help'],
      ['serve', '--help'],
      ['demo', '--help'],
      ['undo', '--help'],
      ['audit', 'verify', '--help'],
      ['runbooks', 'lint', '--help'],
    ]) {
      const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      const code = await new Promise((r) => child.on('exit', r));
      expect(code).toBe(0);
      expect(out).toContain('Usage: rollbot');
    }
  });
});
