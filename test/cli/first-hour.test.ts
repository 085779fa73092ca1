/**
 * What a new operator meets in the first hour, as real child processes of `bin/rollbot.js`:
 * failures are a message and a next step (never a stack trace), kubectl's words when there is no
 * kubeconfig, and every --help ends with examples.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { jest } from '@jest/globals';
import { ROOT, rollbot, type Run } from '../helpers/cli.js';
import { freePort, tempDir, until } from '../helpers/infra/daemon.js';

jest.setTimeout(90_000);
/** A line of a JavaScript stack trace ("    at fn (file:1:2)"). */
const STACK = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m;

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  dir = await tempDir('cli-first-hour');
});
afterAll(async () => dir?.cleanup());

test('demo of a service whose freeze is on (checkout-web on a weekend): the reason and a way forward, no stack trace', async () => {
  // checkout-web is frozen on weekends; here every day, so the test does not depend on the day it runs.
  const runbooks = `${dir.path}/frozen`;
  await import('node:fs/promises').then((fs) => fs.mkdir(runbooks));
  await copyFile(`${ROOT}runbooks/payments-api.yaml`, `${runbooks}/payments-api.yaml`);
  const text = await readFile(`${ROOT}runbooks/checkout-web.yaml`, 'utf8');
  expect(text).toContain('days: [sat, sun]');
  await writeFile(
    `${runbooks}/checkout-web.yaml`,
    text.replace('days: [sat, sun]', 'days: [mon, tue, wed, thu, fri, sat, sun]'),
  );
  const r = await rollbot([
    'demo',
    '--service',
    'checkout-web',
    '--runbooks',
    runbooks,
    '--out',
    `${dir.path}/demo`,
  ]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(
    'the proposal for checkout-web cannot be approved: checkout-web is in a change freeze',
  );
  expect(r.stderr).toContain('hint: ');
  expect(r.stderr).toContain('rollbot demo --service payments-api');
  expect(`${r.stdout}${r.stderr}`).not.toMatch(STACK);
  expect(r.stderr).not.toContain('timed out');
});

test('undo with no kubeconfig at all: kubectl’s words and how to fix it, no stack trace', async () => {
  const r = await rollbot(['undo', 'payments/payments-api'], { HOME: dir.path });
  expect(r.code).toBe(1);
  expect(r.stderr).toBe(
    'error: no Kubernetes configuration has been provided: KUBECONFIG is unset, ~/.kube/config does not exist and rollbot is not running in a pod\n' +
      'next: try setting KUBECONFIG to your kubeconfig file (or pass --kubeconfig, and KUBE_CONTEXT / --context for the context), as for kubectl; in a cluster, run rollbot with its service account (deploy/)\n',
  );
  expect(r.stdout).toBe('');
});

const COMMANDS = [
  ['serve'],
  ['demo'],
  ['sandbox'],
  ['drill'],
  ['runbooks', 'lint'],
  ['runbooks', 'schema'],
  ['audit', 'export'],
  ['audit', 'verify'],
  ['audit', 'trim'],
  ['undo'],
  ['status'],
  ['history'],
  ['postmortem'],
];

test('every command’s --help ends with examples of itself', async () => {
  const helps = new Map<string, Run>();
  // Three at a time: each is a Node start-up.
  for (let i = 0; i < COMMANDS.length; i += 3) {
    const batch = COMMANDS.slice(i, i + 3);
    const runs = await Promise.all(batch.map((cmd) => rollbot([...cmd, '--help'])));
    batch.forEach((cmd, j) => helps.set(cmd.join(' '), runs[j]!));
  }
  for (const [cmd, r] of helps) {
    expect({ cmd, code: r.code, examples: r.stdout.includes('\nExamples:\n') }).toEqual({
      cmd,
      code: 0,
      examples: true,
    });
    const lines = r.stdout
      .slice(r.stdout.indexOf('\nExamples:\n'))
      .split('\n')
      .filter((l) => l.startsWith('  $ '));
    expect(lines.length).toBeGreaterThanOrEqual(1);
    for (const l of lines)
      expect(l).toMatch(new RegExp(`^  \\$ (\\S+=\\S+ |set -a.*; )*rollbot ${cmd}\\b.*# \\S`));
  }
});

test('`rollbot --version` names the version, the commit and the Node.js', async () => {
  const pkg = JSON.parse(await readFile(`${ROOT}package.json`, 'utf8')) as { version: string };
  const r = await rollbot(['--version']);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(
    new RegExp(
      `^rollbot ${pkg.version.replace(/\./g, '\\.')} \\(commit ([0-9a-f]{7,12}|unknown), Node\\.js v\\d+`,
    ),
  );
});

test('a user token as SLACK_BOT_TOKEN stops `rollbot serve` at start-up, naming it (and not echoing it)', async () => {
  const r = await rollbot(['serve'], {
    SLACK_SIGNING_SECRET: 'first-hour-secret',
    SLACK_BOT_TOKEN: 'xoxp-1-2-3-userTOKENVALUE',
    REDIS_URL: 'redis://127.0.0.1:1',
    PORT: '0',
  });
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('SLACK_BOT_TOKEN is invalid: this is a user token');
  expect(r.stderr).toContain('xoxb-');
  expect(`${r.stdout}${r.stderr}`).not.toContain('userTOKENVALUE');
  expect(r.stderr).not.toMatch(STACK);
});

/** Listens on `port` unless something already does (either way it is busy while the test runs). */
async function occupy(port: number): Promise<Server | undefined> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

test('sandbox on a busy --port: says so and how to pick another, no stack trace', async () => {
  const port = await freePort();
  const busy = await occupy(port);
  try {
    const r = await rollbot(['sandbox', '--port', String(port), '--log-dir', `${dir.path}/sbx-busy`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`port ${port} is in use`);
    expect(r.stderr).toContain('--port 0 for any free port (npm run sandbox -- --port 0)');
    expect(r.stderr).not.toMatch(STACK);
  } finally {
    busy?.close();
  }
});

test('sandbox with the default port 8080 busy: takes a free port and says so', async () => {
  const busy = await occupy(8080);
  const { REDIS_URL: _r, ...base } = process.env;
  const child = spawn(process.execPath, ['bin/rollbot.js', 'sandbox', '--log-dir', `${dir.path}/sbx-moved`], {
    cwd: ROOT,
    env: { ...base, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    await until(
      'the sandbox to start',
      () => /Ctrl-C stops everything/.test(out) || child.exitCode !== null,
      60_000,
    );
    expect(out).toContain('(port 8080 is in use, so the console took a free port; --port picks one)');
    const url = /Sandbox console\s+(http:\/\/127\.0\.0\.1:(\d+))/.exec(out);
    expect(url?.[2]).not.toBe('8080');
    expect((await fetch(url![1]!)).status).toBe(200);
  } finally {
    child.kill('SIGINT');
    await exited;
    busy?.close();
  }
});

test('SIGTERM to `npx rollbot serve` reaches rollbot: it shuts down instead of running on, orphaned', async () => {
  const { REDIS_URL: _r, npm_command: _c, ...base } = process.env;
  // detached: its own process group, so the signal goes to npx alone, as `kill <pid of npx>` does.
  const npx = spawn('npx', ['--no', 'rollbot', 'serve'], {
    cwd: ROOT,
    env: { ...base, ROLLBOT_MODE: 'sandbox', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  npx.stdout.on('data', (d) => (out += d));
  npx.stderr.on('data', (d) => (out += d));
  let url: string | undefined;
  try {
    await until(
      'rollbot to listen',
      () => (url = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out)?.[1]) !== undefined,
      60_000,
    );
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    npx.kill('SIGTERM');
    // rollbot itself (a grandchild of npx) stops listening: its graceful shutdown ran.
    await until(
      'rollbot to stop listening',
      async () =>
        !(await fetch(`${url}/healthz`).then(
          () => true,
          () => false,
        )),
      30_000,
    );
  } finally {
    if (
      url &&
      (await fetch(`${url}/healthz`).then(
        () => true,
        () => false,
      ))
    ) {
      process.kill(-npx.pid!, 'SIGKILL');
    }
  }
});
