import { RollbotError } from '../../src/core/errors.js';
import { defaultScenario, NAME, NS, startWorld, V141, V142, V150, type World } from './harness.js';

describe('planUndo', () => {
  let w: World;
  afterEach(async () => w?.close());

  test('default target is the previous revision, with what runs now', async () => {
    w = await startWorld();
    const plan = await w.gw.planUndo(NS, NAME);
    expect(plan).toMatchObject({
      namespace: NS,
      deployment: NAME,
      paused: false,
      current: { revision: 3, images: [V150], changeCause: 'deploy payments-api 1.5.0' },
      target: { revision: 2, images: [V142], changeCause: 'deploy payments-api 1.4.2' },
    });
    expect(plan.target!.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(plan.current.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(plan.noop).toBeUndefined();
    expect(plan.targetMissingReason).toBeUndefined();
    expect(plan.resourceVersion).toMatch(/^\d+$/);
    expect(plan.fingerprint).toBe(`${plan.deploymentUid}/3/${plan.templateHash}`);
  });

  test('--to-revision picks that revision; the current one is a no-op', async () => {
    w = await startWorld();
    expect((await w.gw.planUndo(NS, NAME, { toRevision: 1 })).target).toMatchObject({
      revision: 1,
      images: [V141],
    });
    const same = await w.gw.planUndo(NS, NAME, { toRevision: 3 });
    expect(same.noop).toBe('skipped rollback (current template already matches revision 3)');
  });

  test('--to-image-tag picks the highest revision running that tag', async () => {
    w = await startWorld();
    // Deploy 1.4.1 again (its ReplicaSet becomes revision 4), then 1.6.0 (revision 5).
    w.sim.setImage(NS, NAME, V141, 'redeploy 1.4.1');
    await w.sim.waitForIdle(5000);
    w.sim.setImage(NS, NAME, V150.replace('1.5.0', '1.6.0'), 'deploy 1.6.0');
    await w.sim.waitForIdle(5000);
    expect((await w.gw.planUndo(NS, NAME, { toImageTag: '1.4.1' })).target).toMatchObject({
      revision: 4,
      images: [V141],
    });
    expect((await w.gw.planUndo(NS, NAME, { toImageTag: '1.4.2' })).target).toMatchObject({
      revision: 2,
      images: [V142],
    });
    const missing = await w.gw.planUndo(NS, NAME, { toImageTag: '9.9.9' });
    expect(missing.target).toBeNull();
    expect(missing.targetMissingReason).toMatch(
      /no revision of deployment "payments-api" in history runs image tag "9.9.9"/,
    );
  });

  test("a pruned revision is reported with kubectl's message", async () => {
    w = await startWorld(await defaultScenario((d) => (d.revisionHistoryLimit = 1)));
    const history = await w.gw.history(NS, NAME);
    expect(history.map((h) => h.revision)).toEqual([2, 3]);
    const plan = await w.gw.planUndo(NS, NAME, { toRevision: 1 });
    expect(plan.target).toBeNull();
    expect(plan.targetMissingReason).toBe('unable to find specified revision 1 in history');
    await expect(w.gw.rolloutUndo(plan)).rejects.toMatchObject({
      code: 'not_found',
      message: 'unable to find specified revision 1 in history',
    });
  });

  test('a Deployment with a single revision has no rollout history', async () => {
    w = await startWorld(await defaultScenario((d) => (d.history = d.history.slice(0, 1))));
    const plan = await w.gw.planUndo(NS, NAME);
    expect(plan.targetMissingReason).toBe('no rollout history found for deployment "payments-api"');
  });

  test('a missing Deployment is not_found with a hint', async () => {
    w = await startWorld();
    const err = await w.gw.planUndo(NS, 'nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RollbotError);
    expect(err).toMatchObject({ code: 'not_found' });
    expect((err as RollbotError).message).toContain('deployments.apps "nope" in namespace "payments"');
  });

  test('history lists ReplicaSets owned by the Deployment with their images', async () => {
    w = await startWorld();
    const h = await w.gw.history(NS, NAME);
    expect(h.map((e) => [e.revision, e.images[0], e.changeCause])).toEqual([
      [1, V141, 'deploy payments-api 1.4.1'],
      [2, V142, 'deploy payments-api 1.4.2'],
      [3, V150, 'deploy payments-api 1.5.0'],
    ]);
    expect(h[0]!.podTemplate.metadata!.labels!['pod-template-hash']).toBeDefined();
  });

  test('skipTemplates passes over listed templates by content; explicit targets ignore it; renumbering is kept in formerRevisions', async () => {
    w = await startWorld();
    const first = await w.gw.planUndo(NS, NAME);
    const v142 = first.history.find((h) => h.revision === 2)!.templateHash;
    const skipping = await w.gw.planUndo(NS, NAME, { skipTemplates: [v142] });
    expect(skipping.target).toMatchObject({ revision: 1, images: [V141] });
    expect(skipping.skipped.map((h) => h.revision)).toEqual([2]);
    expect((await w.gw.planUndo(NS, NAME, { toRevision: 2, skipTemplates: [v142] })).target?.revision).toBe(
      2,
    );
    const all = await w.gw.planUndo(NS, NAME, { skipTemplates: first.history.map((h) => h.templateHash) });
    expect(all.target).toBeNull();
    expect(all.targetMissingReason).toBe(
      'every earlier revision of deployment "payments-api" is suspect (2, 1)',
    );

    // Roll 1.4.2 out again: its ReplicaSet becomes revision 4 and remembers it was 2.
    w.sim.setImage(NS, NAME, V142, 'redeploy 1.4.2');
    await w.sim.waitForIdle(5000);
    const after = await w.gw.planUndo(NS, NAME);
    expect(after.current).toMatchObject({ revision: 4, templateHash: v142 });
    expect(after.history.map((h) => [h.revision, h.formerRevisions])).toEqual([
      [4, [2]],
      [3, []],
      [1, []],
    ]);
  });
});
