/**
 * Redis refusing writes, unreachable, or restarted mid-incident. The app runs against a
 * redis-server of its own (never the shared test Redis): nothing executes without its audit
 * record, the approver is told why, and rollbot recovers by itself when Redis answers again.
 */
import { startBot, type Bot } from '../helpers/bot.js';
import { CuttableProxy, PrivateRedis, paymentsRunbook, runbooksDir, undoPatches, until } from './harness.js';

const DEPLOYMENT_PATH = '/apis/apps/v1/namespaces/payments/deployments/payments-api';
let bot: Bot | undefined;
let redis: PrivateRedis | undefined;
let proxy: CuttableProxy | undefined;

afterEach(async () => {
  await bot?.close();
  await proxy?.close();
  await redis?.kill();
  bot = proxy = redis = undefined;
});

async function start(redisUrl: string, env: Record<string, string> = {}): Promise<Bot> {
  bot = await startBot({
    runbooksDir: await runbooksDir([paymentsRunbook()]),
    env: { REDIS_URL: redisUrl, ...env },
  });
  bot.world.slackSim.resetRateLimits();
  return bot;
}

async function proposal(b: Bot) {
  expect((await b.fireAlert()).status).toBe(200);
  return b.waitIncident('payments-api', (i) => Boolean(i.slack?.ts));
}

const approve = (b: Bot, ts: string) =>
  b.world.slackSim.as('U0BOB').clickButton({ channel: 'C0PAYMENTS', ts, actionId: 'rollback_approve' });
const kubeWrites = (b: Bot) => b.world.kubeSim.requests.filter((r) => r.method !== 'GET');
const responsesText = (b: Bot) => JSON.stringify(b.world.slackSim.responses());
const readyz = async (b: Bot) => {
  const res = await fetch(`${b.url}/readyz`);
  return { status: res.status, body: (await res.json()) as { reason?: string } };
};

describe('Redis refusing writes during an approval (issue 7)', () => {
  test('the audit stream refuses the append: the approval is undone, no Kubernetes call, the approver is told why', async () => {
    redis = await PrivateRedis.start();
    const b = await start(redis.url);
    const proposed = await proposal(b);
    // Only XADD is refused (also inside rollbot's Lua scripts): the incident CAS succeeds, the audit append fails.
    await redis.command((c) => c.call('ACL', 'SETUSER', 'default', '-xadd'));
    const callsBefore = b.world.kubeSim.requests.length;
    expect((await approve(b, proposed.slack!.ts)).status).toBe(200);
    await until('the approver to be told', () => /audit/i.test(responsesText(b)));
    await b.app.idle();
    await new Promise((r) => setTimeout(r, 1_500)); // two executor sweeps: still nothing may run
    expect(responsesText(b)).toMatch(/Approval not recorded.*nothing was changed/);
    expect(responsesText(b)).toMatch(/Redis|\/readyz/);
    expect(kubeWrites(b)).toHaveLength(0);
    // the approval click's staleness read is the only kind of call; no undo, no watch
    expect(
      b.world.kubeSim.requests.slice(callsBefore).every((r) => r.method === 'GET' && !r.query['watch']),
    ).toBe(true);
    expect((await b.app.repo.get(proposed.id))!).toMatchObject({ state: 'proposed', approvals: [] });

    // Once Redis accepts the record again, the same proposal can be approved and runs once.
    await redis.command((c) => c.call('ACL', 'SETUSER', 'default', '+@all'));
    await approve(b, proposed.slack!.ts);
    const done = await b.waitIncident(
      'payments-api',
      (i) => i.state === 'succeeded' || i.state === 'failed',
      20_000,
    );
    expect(done.state).toBe('succeeded');
    expect(undoPatches(b.world).applied).toHaveLength(1);
  });

  test('Redis refusing every write (NOREPLICAS): no Kubernetes call, the approver is told why', async () => {
    redis = await PrivateRedis.start();
    const b = await start(redis.url);
    const proposed = await proposal(b);
    await redis.command((c) => c.config('SET', 'min-replicas-to-write', '1'));
    expect((await approve(b, proposed.slack!.ts)).status).toBe(200);
    await until('the approver to be told', () => b.world.slackSim.responses().length > 0, 10_000);
    await b.app.idle();
    await new Promise((r) => setTimeout(r, 1_000));
    expect(kubeWrites(b)).toHaveLength(0);
    expect(responsesText(b)).toMatch(/nothing was changed/);
    expect(responsesText(b)).toMatch(/Redis/);
    await redis.command((c) => c.config('SET', 'min-replicas-to-write', '0'));
    expect((await b.app.repo.get(proposed.id))!.state).toBe('proposed');
  });
});

describe('Redis unreachable or restarted mid-incident', () => {
  test('partition during the undo step: /readyz names Redis; when it returns, the rollback resumes by itself and finishes once', async () => {
    redis = await PrivateRedis.start();
    proxy = await CuttableProxy.start(redis.port);
    const b = await start(proxy.url);
    const proposed = await proposal(b);
    // The undo PATCH takes 1.5 s: Redis goes away while it is in flight.
    b.world.kubeSim.faults.add({ method: 'PATCH', pathPattern: DEPLOYMENT_PATH, delayMs: 1_500 });
    await approve(b, proposed.slack!.ts);
    await until('the undo PATCH to be in flight', () => undoPatches(b.world).all.length === 1);
    proxy.cut();
    const cutAt = Date.now();
    const down = await until('/readyz to report Redis', async () => {
      const r = await readyz(b);
      return r.status === 503 ? r : undefined;
    });
    expect(down.body.reason).toMatch(/store: Redis PING failed/);
    await new Promise((r) => setTimeout(r, 3_000)); // longer than the lease (2 s): the holder lost it
    const restoredAt = Date.now();
    // Nothing new reached the cluster while no audit record could be written. (The readiness
    // probe's GET /version is not work: /readyz asks it when its 15 s cache runs out, which on a
    // slow machine can fall inside this window.)
    const work = b.world.kubeSim.requests.filter((r) => !(r.method === 'GET' && r.path === '/version'));
    expect(work.filter((r) => r.at > cutAt + 50 && r.at < restoredAt)).toHaveLength(0);
    proxy.restore();
    await until('/readyz to be 200 again', async () => (await readyz(b)).status === 200, 15_000);
    const done = await b.waitIncident(
      'payments-api',
      (i) => i.state === 'succeeded' || i.state === 'failed',
      25_000,
    );
    expect(done.state).toBe('succeeded');
    expect(done.execution!.resumedCount).toBeGreaterThanOrEqual(1);
    expect(undoPatches(b.world).applied).toHaveLength(1); // the resumed undo found it done: skipped
    expect(done.execution!.steps.find((s) => s.id === 'undo')!.status).toMatch(/succeeded|skipped/);
    const actions = (await b.app.audit.read({ incidentId: done.id })).map((r) => r.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'approval.granted',
        'execution.started',
        'execution.resumed',
        'rollback.succeeded',
      ]),
    );
    expect(await b.app.audit.verify()).toMatchObject({ ok: true });
  });

  test('a partition shorter than the lease during the undo: the run waits for Redis and goes on — no crash, no resume, each step once', async () => {
    redis = await PrivateRedis.start();
    proxy = await CuttableProxy.start(redis.port);
    const b = await start(proxy.url, { LEASE_TTL: '10s' });
    const proposed = await proposal(b);
    b.world.kubeSim.faults.add({ method: 'PATCH', pathPattern: DEPLOYMENT_PATH, delayMs: 1_000 });
    await approve(b, proposed.slack!.ts);
    await until('the undo PATCH to be in flight', () => undoPatches(b.world).all.length === 1);
    proxy.cut(); // the undo's result cannot be recorded until Redis is back
    await until('/readyz to report Redis', async () => (await readyz(b)).status === 503);
    await new Promise((r) => setTimeout(r, 3_000)); // as long as the other test's, but the lease is 10 s
    proxy.restore();
    const done = await b.waitIncident(
      'payments-api',
      (i) => i.state === 'succeeded' || i.state === 'failed',
      25_000,
    );
    expect(done.state).toBe('succeeded');
    expect(done.execution!.resumedCount ?? 0).toBe(0);
    expect(undoPatches(b.world).applied).toHaveLength(1);
    const actions = (await b.app.audit.read({ incidentId: done.id })).map((r) => r.action);
    expect(actions).not.toContain('execution.resumed');
    const started = (await b.app.audit.read({ incidentId: done.id }))
      .filter((r) => r.action === 'step.started')
      .map((r) => (r.details as { step: string }).step);
    expect(started).toEqual([...new Set(started)]);
    expect(b.logs.some((l) => l.includes('Redis unavailable; holding the lease and waiting for it'))).toBe(
      true,
    );
    expect(await b.app.audit.verify()).toMatchObject({ ok: true });
  });

  test('redis-server killed and restarted empty: /readyz 503 then 200 without restarting rollbot; new alerts are proposed again', async () => {
    redis = await PrivateRedis.start();
    const b = await start(redis.url);
    await proposal(b);
    await redis.kill();
    const down = await until('/readyz to report Redis', async () => {
      const r = await readyz(b);
      return r.status === 503 ? r : undefined;
    });
    expect(down.body.reason).toMatch(/store: Redis PING failed/);
    // An alert while Redis is away is refused with a server error, never half-processed.
    expect((await b.fireAlert()).status).toBeGreaterThanOrEqual(500);
    await redis.up();
    await until('/readyz to be 200 again', async () => (await readyz(b)).status === 200, 15_000);
    // The restarted Redis kept nothing (no disk): the old incident is gone, a new alert opens a new one.
    const before = b.world.slackSim.messages('C0PAYMENTS').length;
    expect((await b.fireAlert()).status).toBe(200);
    const again = await b.waitIncident('payments-api', (i) => Boolean(i.slack?.ts));
    expect(b.world.slackSim.messages('C0PAYMENTS').length).toBe(before + 1);
    await approve(b, again.slack!.ts);
    const done = await b.waitIncident(
      'payments-api',
      (i) => i.state === 'succeeded' || i.state === 'failed',
      20_000,
    );
    expect(done.state).toBe('succeeded');
  });
});
