import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { lintRunbooksDir } from '../../src/cli/commands/runbooks.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = (args: string[]) =>
  promisify(execFile)('node', ['bin/rollbot.js', ...args], { cwd: ROOT }).then(
    (r) => ({ code: 0, stdout: r.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
  );

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rollbot-lint-'));
  await writeFile(
    join(dir, 'broken.yaml'),
    'name: broken\nversion: 1\ntarget: { namespace: n, deployment: d }\nchannel: C0X1\napproval:\n  approvers: { users: [U0BOB] }\n  cooldown: soon\nsteps: [{ type: k8s.rolloutUndo }]\n',
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('rollbot runbooks lint', () => {
  test('the examples pass (exit 0)', async () => {
    const r = await run(['runbooks', 'lint']);
    expect(r.stdout).toMatch(/2 runbook\(s\) ok/);
    expect(r.code).toBe(0);
  }, 60_000);

  test('a broken runbook prints file:line:col: message (hint: …) and exits 1', async () => {
    const r = await run(['runbooks', 'lint', dir]);
    expect(r.stdout).toContain(
      `${join(dir, 'broken.yaml')}:7:13: "soon" is not a duration (hint: write a number and a unit`,
    );
    expect(r.stdout).toMatch(/1 error\(s\) in 1 of 1 file\(s\)/);
    expect(r.code).toBe(1);
  }, 60_000);

  test('rollbot runbooks schema prints the JSON Schema', async () => {
    const r = await run(['runbooks', 'schema']);
    expect(JSON.parse(r.stdout).title).toBe('rollbot runbook');
  }, 60_000);

  test('lintRunbooksDir counts errors; an empty directory is an error', async () => {
    const lines: string[] = [];
    expect(await lintRunbooksDir(dir, (l) => lines.push(l))).toBe(1);
    const empty = await mkdtemp(join(tmpdir(), 'rollbot-lint-empty-'));
    expect(await lintRunbooksDir(empty, (l) => lines.push(l))).toBe(1);
    expect(lines.at(-1)).toMatch(/no runbooks/);
    await rm(empty, { recursive: true, force: true });
  });
});
