import { RollbotError } from '../../src/core/errors.js';
import type { RolloutCounts } from '../../src/kube/index.js';
import { defaultScenario, NAME, NS, startWorld, UNREADY, type World } from './harness.js';

describe('waitRollout', () => {
  let w: World;
  afterEach(async () => w?.close());

  test("an undo rolls out: kubectl's waiting lines, then success, over a watch", async () => {
    w = await startWorld();
    await w.gw.rolloutUndo({ namespace: NS, name: NAME });
    w.sim.clearRequests();
    const progress: [string, RolloutCounts][] = [];
    const r = await w.gw.waitRollout(NS, NAME, {
      timeoutMs: 25_000,
      onProgress: (m, c) => progress.push([m, c]),
    });
    expect(r).toMatchObject({
      done: true,
      message: 'deployment "payments-api" successfully rolled out',
      counts: { desired: 3, updated: 3, available: 3 },
    });
    expect(progress.length).toBeGreaterThan(0);
    for (const [m] of progress) {
      expect(m).toMatch(
        /^Waiting for deployment "payments-api" rollout to finish: (\d+ out of 3 new replicas have been updated|\d+ old replicas are pending termination|\d+ of \d+ updated replicas are available)\.\.\.$|^Waiting for deployment spec update to be observed\.\.\.$/,
      );
    }
    const watches = w.sim.requests.filter((q) => q.query['watch'] === 'true');
    expect(watches.length).toBeGreaterThanOrEqual(1);
    expect(watches[0]!.query).toMatchObject({
      fieldSelector: 'metadata.name=payments-api',
      resourceVersion: expect.stringMatching(/^\d+$/),
    });
    // No polling: one list to start (as kubectl's informer), the rest arrives on the watch, which
    // starts from the list's resourceVersion.
    const reads = w.sim.requests.filter(
      (q) => q.method === 'GET' && q.path.endsWith('/deployments') && q.query['watch'] !== 'true',
    );
    expect(reads).toHaveLength(1);
    expect(reads[0]!.query).toMatchObject({ fieldSelector: 'metadata.name=payments-api' });
    expect(
      w.sim.requests.filter((q) => q.method === 'GET' && q.path.endsWith('/deployments/payments-api')),
    ).toHaveLength(0);
  });

  test('a finished rollout answers at once', async () => {
    w = await startWorld();
    await expect(w.gw.waitRollout(NS, NAME, { timeoutMs: 5_000 })).resolves.toMatchObject({
      message: 'deployment "payments-api" successfully rolled out',
    });
  });

  test('a watch that ends early is re-opened from the last resourceVersion', async () => {
    w = await startWorld();
    w.sim.faults.add({ pathPattern: /watch=true/, endWatchAfterMs: 30, times: 3 });
    await w.gw.rolloutUndo({ namespace: NS, name: NAME });
    const r = await w.gw.waitRollout(NS, NAME, { timeoutMs: 25_000 });
    expect(r.done).toBe(true);
    expect(w.sim.requests.filter((q) => q.query['watch'] === 'true').length).toBeGreaterThanOrEqual(2);
  });

  test('a rollout to an image that never gets ready fails at its progress deadline', async () => {
    w = await startWorld(await defaultScenario((d) => (d.progressDeadlineSeconds = 2)));
    w.sim.setImage(NS, NAME, UNREADY, 'deploy broken');
    const err = (await w.gw
      .waitRollout(NS, NAME, { timeoutMs: 15_000 })
      .catch((e: unknown) => e)) as RollbotError;
    expect(err).toBeInstanceOf(RollbotError);
    expect(err.message).toBe('deployment "payments-api" exceeded its progress deadline');
    expect(err.hint).toMatch(/progressDeadlineSeconds \(2s\)/);
  }, 20_000);

  test('timeout: kubectl\'s "timed out waiting for the condition"', async () => {
    w = await startWorld();
    w.sim.setImage(NS, NAME, UNREADY, 'deploy broken');
    await expect(w.gw.waitRollout(NS, NAME, { timeoutMs: 300 })).rejects.toMatchObject({
      code: 'timeout',
      message: 'timed out waiting for the condition',
    });
  });

  test('a Deployment deleted while watching fails the wait', async () => {
    w = await startWorld();
    w.sim.setImage(NS, NAME, UNREADY, 'deploy broken');
    const waiting = w.gw.waitRollout(NS, NAME, { timeoutMs: 10_000 }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 100));
    const res = await fetch(`${w.sim.url}/apis/apps/v1/namespaces/${NS}/deployments/${NAME}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${w.sim.token}` },
    });
    expect(res.status).toBeLessThan(300);
    expect(await waiting).toMatchObject({
      code: 'not_found',
      message: expect.stringContaining('deleted while waiting'),
    });
  });

  test('cancellation through an AbortSignal', async () => {
    w = await startWorld();
    w.sim.setImage(NS, NAME, UNREADY, 'deploy broken');
    const ctrl = new AbortController();
    setTimeout(() => ctrl.abort(), 100);
    await expect(
      w.gw.waitRollout(NS, NAME, { timeoutMs: 10_000, signal: ctrl.signal }),
    ).rejects.toMatchObject({ code: 'cancelled' });
  });
});
