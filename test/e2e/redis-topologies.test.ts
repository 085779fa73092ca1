/**
 * The demo story (`rollbot demo`, as a user runs it) on the Redis topologies production uses,
 * each configured with the same flags every command takes:
 * - a real 3-master Redis Cluster: the rollback succeeds and `rollbot audit verify` on the
 *   cluster verifies the story's trail;
 * - Redis Sentinel with the master SIGKILLed mid-rollback: the run rides out the failover — no
 *   crash, no takeover after the lease (the owner keeps it across the reconnect), no message
 *   claiming a replica stopped — and the trail verifies on the promoted master.
 * Each topology is started once for the file.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { jest } from '@jest/globals';
import { parse, stringify } from 'yaml';
import { describeWithBinaries } from '../helpers/infra/binaries.js';
import { tempDir } from '../helpers/infra/daemon.js';
import {
  type RunningCluster,
  type RunningSentinel,
  startRedisCluster,
  startRedisSentinel,
} from '../helpers/infra/redis.js';

jest.setTimeout(120_000);
const ROOT = new URL('../..', import.meta.url).pathname;

interface Run {
  code: number | null;
  out: string;
}

/** `rollbot …` as a user runs it; `onLine` sees stdout as it comes. */
function rollbot(args: string[], onLine?: (line: string) => void): Promise<Run> {
  const { REDIS_URL: _r, REDIS_KEY_PREFIX: _p, ...env } = process.env;
  const child = spawn(process.execPath, ['bin/rollbot.js', ...args], {
    cwd: ROOT,
    env: { ...env, LOG_LEVEL: 'debug' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let pending = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d;
    pending += d;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const l of lines) onLine?.(l);
  });
  child.stderr.on('data', (d) => (out += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out })));
}

/**
 * The shipped payments-api runbook with 16 short waits after the rollout, so that a failover
 * lasting seconds surely spans step boundaries (each one an audit append and incident writes).
 */
async function runbooksWithStepBoundaries(dir: string): Promise<string> {
  const runbook = parse(await readFile(`${ROOT}runbooks/payments-api.yaml`, 'utf8'));
  runbook.steps.push(
    ...Array.from({ length: 16 }, (_, i) => ({
      id: `settle-${i}`,
      type: 'wait',
      with: { duration: '300ms' },
    })),
  );
  await mkdir(`${dir}/runbooks`, { recursive: true });
  await writeFile(`${dir}/runbooks/payments-api.yaml`, stringify(runbook));
  return `${dir}/runbooks`;
}

const storyPrefix = (out: string) => /state in Redis under (\S+) /.exec(out)?.[1];

async function auditOf(dir: string): Promise<{ action: string; details?: Record<string, unknown> }[]> {
  return (await readFile(`${dir}/audit.jsonl`, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

describeWithBinaries(['redis-server'], 'the demo story on a real 3-master Redis Cluster', (bin) => {
  let cluster: RunningCluster;
  beforeAll(async () => {
    cluster = await startRedisCluster(bin['redis-server']);
  });
  afterAll(() => cluster?.stop());

  test('rollbot demo --redis-cluster-nodes succeeds; rollbot audit verify on the cluster verifies it', async () => {
    const dir = await tempDir('demo-cluster');
    try {
      const nodes = cluster.nodes.join(',');
      const run = await rollbot(['demo', '--out', dir.path, '--redis-cluster-nodes', nodes]);
      if (run.code !== 0) console.error(run.out.slice(-4000));
      expect(run.out).toMatch(/succeeded: payments-api 3 → 2; verification passed/);
      expect(run.code).toBe(0);
      const prefix = storyPrefix(run.out)!;
      expect(prefix).toMatch(/^rollbot:story:/);
      const verify = await rollbot(['audit', 'verify', '--redis-cluster-nodes', nodes, '--prefix', prefix]);
      expect(verify.out).toBe(
        `OK: ${(await auditOf(dir.path)).length} audit records verified from the start\n`,
      );
      expect(verify.code).toBe(0);
    } finally {
      await dir.cleanup();
    }
  });
});

describeWithBinaries(
  ['redis-server', 'redis-sentinel'],
  'the demo story on Redis Sentinel, the master killed mid-rollback',
  (bin) => {
    let sentinel: RunningSentinel;
    beforeAll(async () => {
      sentinel = await startRedisSentinel(bin['redis-server'], bin['redis-sentinel']);
    });
    afterAll(() => sentinel?.stop());

    test('the rollback rides out the failover: succeeds, never resumed or taken over, no "replica stopped"; the trail verifies', async () => {
      const dir = await tempDir('demo-sentinel');
      const flags = [
        '--redis-sentinels',
        sentinel.sentinels.join(','),
        '--redis-sentinel-name',
        sentinel.name,
      ];
      let killed: Promise<number> | undefined;
      try {
        const runbooks = await runbooksWithStepBoundaries(dir.path);
        const run = await rollbot(['demo', '--out', dir.path, '--runbooks', runbooks, ...flags], (line) => {
          // The approval is on the record and the run is starting: take the master away now.
          if (!killed && line.includes('*approval.granted*')) killed = sentinel.killMaster();
        });
        if (run.code !== 0) console.error(run.out.slice(-6000));
        const oldMaster = await killed!;
        expect(await sentinel.failedOver(oldMaster)).not.toBe(oldMaster);
        expect(run.out).toMatch(/succeeded: payments-api 3 → 2; verification passed/);
        expect(run.code).toBe(0);
        expect(run.out).not.toMatch(/replica stopped|execution\.resumed|resumed \d+×/);
        const audit = await auditOf(dir.path);
        const actions = audit.map((r) => r.action);
        expect(actions).toContain('execution.started');
        expect(actions).not.toContain('execution.resumed');
        expect(actions.filter((a) => a === 'rollback.succeeded')).toHaveLength(1);
        // Every step ran once, by the first owner: nothing was re-run after a lost lease.
        const started = audit.filter((r) => r.action === 'step.started').map((r) => r.details?.['step']);
        expect(started).toEqual([...new Set(started)]);
        const verify = await rollbot(['audit', 'verify', ...flags, '--prefix', storyPrefix(run.out)!]);
        expect(verify.out).toBe(`OK: ${audit.length} audit records verified from the start\n`);
      } finally {
        await dir.cleanup();
      }
    });
  },
);
