import { RollbotError } from '../../src/core/errors.js';
import { PAUSED_MESSAGE } from '../../src/kube/index.js';
import { buildUndoPatch, sendUndoPatch } from '../../src/kube/undo.js';
import {
  defaultScenario,
  imagesOf,
  NAME,
  NS,
  scenarioFromYaml,
  startWorld,
  V141,
  V142,
  V150,
  type World,
} from './harness.js';

const patches = (w: World) => w.sim.requests.filter((r) => r.method === 'PATCH');

describe('rolloutUndo', () => {
  let w: World;
  afterEach(async () => w?.close());

  test('rolls back to the previous revision with a resourceVersion precondition', async () => {
    w = await startWorld();
    const plan = await w.gw.planUndo(NS, NAME);
    w.sim.clearRequests();
    const r = await w.gw.rolloutUndo(plan);
    expect(r).toMatchObject({
      result: 'rolled back',
      message: 'deployment.apps/payments-api rolled back',
      revision: 2,
    });
    expect(r.patch.map((op) => `${op.op} ${op.path}`)).toEqual([
      'test /metadata/resourceVersion',
      'replace /spec/template',
      'replace /metadata/annotations',
    ]);
    const [sent] = patches(w);
    expect(sent!.contentType).toBe('application/json-patch+json');
    expect(JSON.parse(sent!.body)).toEqual(r.patch);
    expect(imagesOf(w.sim)).toEqual([V142]);
    const d = w.sim.getDeploymentRaw(NS, NAME)!;
    expect(d.metadata.annotations!['kubernetes.io/change-cause']).toBe('deploy payments-api 1.4.2');
    expect(d.spec.template.metadata.labels['pod-template-hash']).toBeUndefined();
  });

  test('re-running the same plan after success converges to "skipped"', async () => {
    w = await startWorld();
    const plan = await w.gw.planUndo(NS, NAME);
    await w.gw.rolloutUndo(plan);
    await w.sim.waitForIdle(5000);
    w.sim.clearRequests();
    const again = await w.gw.rolloutUndo(plan);
    expect(again).toMatchObject({
      result: 'skipped',
      message: 'deployment.apps/payments-api skipped rollback (current template already matches revision 2)',
      patch: [],
    });
    expect(patches(w)).toHaveLength(0);
    expect(imagesOf(w.sim)).toEqual([V142]);
  });

  test('server-side dry run sends ?dryRun=All and changes nothing', async () => {
    w = await startWorld();
    const before = w.sim.getDeploymentRaw(NS, NAME)!;
    w.sim.clearRequests();
    const r = await w.gw.rolloutUndo({ namespace: NS, name: NAME }, { dryRun: true });
    expect(r).toMatchObject({
      result: 'dry run',
      message: 'deployment.apps/payments-api rolled back (server dry run)',
    });
    expect(patches(w)[0]!.query).toMatchObject({ dryRun: 'All' });
    const after = w.sim.getDeploymentRaw(NS, NAME)!;
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(imagesOf(w.sim)).toEqual([V150]);
  });

  test('a deploy between plan and undo makes the plan stale; nothing is patched', async () => {
    w = await startWorld();
    const plan = await w.gw.planUndo(NS, NAME);
    w.sim.setImage(NS, NAME, 'registry.example.com/payments-api:1.5.1', 'hotfix 1.5.1');
    w.sim.clearRequests();
    const err = await w.gw.rolloutUndo(plan).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RollbotError);
    expect(err).toMatchObject({ code: 'stale_plan' });
    expect((err as RollbotError).hint).toMatch(/plan the rollback again/);
    expect(patches(w)).toHaveLength(0);
    expect(imagesOf(w.sim)).toEqual(['registry.example.com/payments-api:1.5.1']);
  });

  test('a deploy racing the PATCH itself is rejected by the server through the test op', async () => {
    w = await startWorld();
    const plan = await w.gw.planUndo(NS, NAME);
    const d = await w.gw.readDeployment(NS, NAME);
    // The race: a deploy lands after rollbot read the Deployment, before its PATCH arrives.
    w.sim.setImage(NS, NAME, 'registry.example.com/payments-api:1.5.1', 'hotfix 1.5.1');
    const err = await sendUndoPatch(w.gw.clients.raw, plan, buildUndoPatch(plan, d, true), false).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'stale_plan' });
    expect([409, 422]).toContain(patches(w).at(-1)!.status);
    expect(imagesOf(w.sim)).toEqual(['registry.example.com/payments-api:1.5.1']);
  });

  test('status-only changes (rollout progress) do not make a plan stale', async () => {
    w = await startWorld();
    const plan = await w.gw.planUndo(NS, NAME);
    w.sim.scale(NS, NAME, 4); // bumps resourceVersion and generation, not the template
    await w.sim.waitForIdle(5000);
    expect((await w.gw.rolloutUndo(plan)).result).toBe('rolled back');
  });

  test("a paused Deployment is refused with kubectl's message", async () => {
    w = await startWorld();
    w.sim.setPaused(NS, NAME, true);
    await expect(w.gw.rolloutUndo({ namespace: NS, name: NAME })).rejects.toMatchObject({
      code: 'conflict',
      message: PAUSED_MESSAGE,
    });
    expect(imagesOf(w.sim)).toEqual([V150]);
  });

  test('--to-revision 1 restores the oldest image', async () => {
    w = await startWorld();
    const r = await w.gw.rolloutUndo({ namespace: NS, name: NAME, toRevision: 1 });
    expect(r.revision).toBe(1);
    expect(imagesOf(w.sim)).toEqual([V141]);
  });

  test('pod-template fields unknown to client-node survive the undo', async () => {
    const s = await defaultScenario(
      (d) =>
        (d.extraTemplateSpec = { hostnameOverride: 'pay-1', futureFeature: { mode: 'strict', level: 3 } }),
    );
    w = await startWorld(s);
    const before = w.sim.getDeploymentRaw(NS, NAME)!.spec.template.spec;
    expect(before.futureFeature).toEqual({ mode: 'strict', level: 3 });
    await w.gw.rolloutUndo({ namespace: NS, name: NAME });
    const after = w.sim.getDeploymentRaw(NS, NAME)!.spec.template.spec;
    expect(after.containers[0].image).toBe(V142);
    expect(after.futureFeature).toEqual({ mode: 'strict', level: 3 });
    expect(after.hostnameOverride).toBe('pay-1');
  });

  test('403 under RBAC names the verb, resource and namespace that are missing', async () => {
    const s = scenarioFromYaml(`
cluster:
  namespaces: [payments]
  stepMs: 20
  rbac:
    user: system:serviceaccount:rollbot:rollbot
    rules:
      - { verbs: [get, list, watch], resources: [deployments, replicasets], namespaces: [payments] }
  deployments:
    - namespace: payments
      name: payments-api
      labels: { app: payments-api }
      history:
        - image: ${V141}
        - image: ${V142}
`);
    w = await startWorld(s);
    const plan = await w.gw.planUndo(NS, NAME);
    expect(plan.target?.revision).toBe(1);
    const err = (await w.gw.rolloutUndo(plan).catch((e: unknown) => e)) as RollbotError;
    expect(err).toBeInstanceOf(RollbotError);
    expect(err.code).toBe('forbidden');
    expect(err.message).toContain(
      'system:serviceaccount:rollbot:rollbot may not patch deployments.apps in namespace "payments"',
    );
    expect(err.hint).toContain('verbs: ["patch"], apiGroups: ["apps"], resources: ["deployments"]');
    expect(err.hint).toContain(
      'kubectl auth can-i patch deployments.apps -n payments --as system:serviceaccount:rollbot:rollbot',
    );
  });

  test('API server failures are upstream_failed and retryable', async () => {
    w = await startWorld();
    // Reads are retried (4 attempts, bounded backoff): only a failure that persists surfaces.
    const outage = w.sim.faults.add({
      method: 'GET',
      pathPattern: '/deployments/payments-api',
      status: 503,
      times: 4,
    });
    const err = (await w.gw.planUndo(NS, NAME).catch((e: unknown) => e)) as RollbotError;
    expect(err.code).toBe('upstream_failed');
    expect(err.details?.['retryable']).toBe(true);
    outage.remove();
    w.sim.faults.add({
      method: 'GET',
      pathPattern: '/deployments/payments-api',
      dropConnection: true,
      times: 4,
    });
    expect(await w.gw.planUndo(NS, NAME).catch((e: unknown) => (e as RollbotError).code)).toBe(
      'upstream_failed',
    );
    // A single failed read is absorbed by the retry.
    w.sim.faults.add({ method: 'GET', pathPattern: '/deployments/payments-api', status: 503, times: 1 });
    expect((await w.gw.planUndo(NS, NAME)).deployment).toBe(NAME);
  });
});
