import { spawn } from 'node:child_process';
import { jest } from '@jest/globals';
import type { Redis } from 'ioredis';
import { AuditLog } from '../../src/audit/index.js';
import type { RedisStore } from '../../src/store/index.js';
import { dropPrefix, testRedisStore } from '../helpers/redis.js';
import { editField } from './tamper.js';

function rollbot(
  ...args: (string | Record<string, string>)[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = Object.assign({}, ...args.filter((a) => typeof a === 'object')) as Record<string, string>;
  const argv = args.filter((a): a is string => typeof a === 'string');
  return new Promise((resolve, reject) => {
    const child = spawn('node', ['bin/rollbot.js', ...argv], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// Each test starts the CLI a few times; on a busy machine (or from the TypeScript sources, when the
// bundle is older than them) that is seconds apiece: a hang still fails, a slow start does not.
jest.setTimeout(120_000);

describe('rollbot audit (CLI against Redis)', () => {
  let store: RedisStore;
  let redis: Redis;
  let prefix: string;

  beforeAll(async () => {
    ({ store, redis, prefix } = testRedisStore());
    const log = new AuditLog(store);
    for (let i = 0; i < 5; i++) {
      await log.append({
        action: 'step.succeeded',
        actor: { type: 'user', id: `U${i}` },
        service: i < 3 ? 'payments-api' : 'checkout',
      });
    }
  });
  afterAll(async () => {
    await dropPrefix(redis, prefix);
    await redis.quit();
  });

  test('verify: exit 0 and OK with the count on a clean log', async () => {
    const r = await rollbot('audit', 'verify', '--prefix', prefix);
    expect(r.stdout).toBe('OK: 5 audit records verified from the start\n');
    expect(r.code).toBe(0);
  });

  test('verify: no records under the prefix is a failure naming the prefix and the Redis (wrong prefix or Redis)', async () => {
    const r = await rollbot('audit', 'verify', '--prefix', `${prefix}typo:`);
    const redisUrl = (process.env.REDIS_URL ?? 'redis://127.0.0.1:6379').replace(/\/$/, '');
    expect(r.stdout).toBe(
      `FAILED (empty): no audit records under prefix "${prefix}typo:" in Redis ${redisUrl} (stream ${prefix}typo:audit)\n` +
        '  hint: check --prefix / REDIS_KEY_PREFIX and the Redis flags against what rollbot serve uses\n',
    );
    expect(r.code).toBe(1);
  });

  test('the same flags and variables as every command: REDIS_KEY_PREFIX from the environment, --prefix over it', async () => {
    const fromEnv = await rollbot('audit', 'verify', { REDIS_KEY_PREFIX: prefix });
    expect(fromEnv.stdout).toBe('OK: 5 audit records verified from the start\n');
    const flagWins = await rollbot('audit', 'verify', '--prefix', prefix, { REDIS_KEY_PREFIX: 'elsewhere:' });
    expect(flagWins.code).toBe(0);
    // A topology flag replaces the topology from the environment (here a REDIS_CLUSTER_NODES that would fail).
    const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    const urlWins = await rollbot('audit', 'verify', '--prefix', prefix, '--redis-url', url, {
      REDIS_CLUSTER_NODES: '127.0.0.1:1',
    });
    expect(urlWins.stdout).toBe('OK: 5 audit records verified from the start\n');
  });

  test('export: CSV filtered by service', async () => {
    const r = await rollbot(
      'audit',
      'export',
      '--prefix',
      prefix,
      '--service',
      'checkout',
      '--format',
      'csv',
    );
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^4,.*,U3,,step\.succeeded,,checkout,\{\},[0-9a-f]{64}$/);
  });

  test('verify: exit 1 and the problem on a tampered log', async () => {
    await editField(redis, `${prefix}audit`, 3, 'action', 'step.skipped');
    const r = await rollbot('audit', 'verify', '--prefix', prefix);
    expect(r.stdout).toMatch(
      /^FAILED \(altered\): entry seq 3 \(id \d+-\d+\) was altered: its hash does not match its content/,
    );
    expect(r.code).toBe(1);
  });

  test('an unreachable Redis is an error with exit 1, not a crash', async () => {
    const r = await rollbot('audit', 'verify', '--redis-url', 'redis://127.0.0.1:1', '--prefix', prefix);
    expect(r.stderr).toMatch(/^error: Redis .* failed/);
    expect(r.code).toBe(1);
  });
});
