/**
 * @kubernetes/client-node 1.4 against the simulator: reads, selectors and pagination, every patch
 * type, dry run, optimistic concurrency, Status error bodies, watch.
 */
import * as k8s from '@kubernetes/client-node';
import type { KubeSimulator } from '../../src/kube/index.js';
import { BAD, GOOD, startSim } from './fixtures.js';

function statusOf(err: unknown): { code: number; body: Record<string, unknown> } {
  const e = err as { code: number; body: unknown };
  return {
    code: e.code,
    body: typeof e.body === 'string' ? JSON.parse(e.body) : (e.body as Record<string, unknown>),
  };
}

async function failure(p: Promise<unknown>): Promise<{ code: number; body: Record<string, unknown> }> {
  try {
    await p;
  } catch (err) {
    return statusOf(err);
  }
  throw new Error('expected the call to fail');
}

describe('client-node against the simulator', () => {
  let sim: KubeSimulator;
  let kc: k8s.KubeConfig;
  let apps: k8s.AppsV1Api;
  let core: k8s.CoreV1Api;
  const ns = 'payments';
  const name = 'payments-api';

  beforeEach(async () => {
    sim = await startSim();
    kc = new k8s.KubeConfig();
    kc.loadFromString(sim.kubeconfigYaml());
    apps = kc.makeApiClient(k8s.AppsV1Api);
    core = kc.makeApiClient(k8s.CoreV1Api);
  });
  afterEach(() => sim.close());

  test('reads a Deployment and lists its ReplicaSets with set-based selectors and pages', async () => {
    const d = await apps.readNamespacedDeployment({ name, namespace: ns });
    expect(d.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    expect(d.spec?.template.spec?.containers[0]?.image).toBe(BAD);

    const all = await apps.listNamespacedReplicaSet({
      namespace: ns,
      labelSelector: 'app in (payments-api,other),!missing,tier notin (db)',
    });
    expect(all.items).toHaveLength(3);
    expect(
      all.items.every(
        (rs) =>
          rs.metadata?.ownerReferences?.[0]?.uid === d.metadata?.uid &&
          rs.metadata?.ownerReferences?.[0]?.controller === true,
      ),
    ).toBe(true);
    expect(
      (await apps.listNamespacedReplicaSet({ namespace: ns, labelSelector: 'app!=payments-api' })).items,
    ).toHaveLength(0);
    expect(
      (await apps.listNamespacedReplicaSet({ namespace: ns, labelSelector: 'pod-template-hash' })).items,
    ).toHaveLength(3);

    const first = await apps.listNamespacedReplicaSet({ namespace: ns, limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.metadata?._continue).toBeTruthy();
    const second = await apps.listNamespacedReplicaSet({
      namespace: ns,
      limit: 2,
      _continue: first.metadata!._continue!,
    });
    expect(second.items).toHaveLength(1);
    expect(second.metadata?._continue).toBeFalsy();
    const names = [...first.items, ...second.items].map((rs) => rs.metadata!.name);
    expect(new Set(names).size).toBe(3);

    const byName = await apps.listNamespacedDeployment({
      namespace: ns,
      fieldSelector: `metadata.name=${name}`,
    });
    expect(byName.items.map((x) => x.metadata?.name)).toEqual([name]);
    const namespaces = await core.listNamespace();
    expect(namespaces.items.map((n) => n.metadata?.name)).toEqual(
      expect.arrayContaining(['payments', 'checkout', 'default']),
    );
  });

  test('the written kubeconfig loads with loadFromFile', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'rollbot-kc-'));
    try {
      await sim.writeKubeconfig(join(dir, 'config'), { namespace: 'payments' });
      const fromFile = new k8s.KubeConfig();
      fromFile.loadFromFile(join(dir, 'config'));
      expect(fromFile.getCurrentCluster()).toMatchObject({ server: sim.url, skipTLSVerify: true });
      expect(fromFile.getContextObject(fromFile.getCurrentContext())?.namespace).toBe('payments');
      const d = await fromFile.makeApiClient(k8s.AppsV1Api).readNamespacedDeployment({ name, namespace: ns });
      expect(d.metadata?.name).toBe(name);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a NotFound is a real Status', async () => {
    const f = await failure(apps.readNamespacedDeployment({ name: 'nope', namespace: ns }));
    expect(f.code).toBe(404);
    expect(f.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'deployments.apps "nope" not found',
      reason: 'NotFound',
      details: { name: 'nope', group: 'apps', kind: 'deployments' },
      code: 404,
    });
  });

  test('JSON patch with a passing test op applies; a failing test op is 422 and changes nothing', async () => {
    const d = await apps.readNamespacedDeployment({ name, namespace: ns });
    const rv = d.metadata!.resourceVersion!;
    const jsonPatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch);
    const stale = [
      { op: 'test', path: '/metadata/resourceVersion', value: '1' },
      { op: 'replace', path: '/spec/template/spec/containers/0/image', value: GOOD },
    ];
    const f = await failure(apps.patchNamespacedDeployment({ name, namespace: ns, body: stale }, jsonPatch));
    expect(f.code).toBe(422);
    expect(f.body).toMatchObject({
      reason: 'Invalid',
      message: 'the server rejected our request due to an error in our request',
      code: 422,
    });
    expect(sim.getDeploymentRaw(ns, name)!.metadata.resourceVersion).toBe(rv);

    const fresh = [{ op: 'test', path: '/metadata/resourceVersion', value: rv }, stale[1]];
    const patched = await apps.patchNamespacedDeployment({ name, namespace: ns, body: fresh }, jsonPatch);
    expect(patched.spec?.template.spec?.containers[0]?.image).toBe(GOOD);
    expect(patched.metadata?.generation).toBe((d.metadata!.generation ?? 0) + 1);
  });

  test('merge and strategic merge patches; dry run changes nothing', async () => {
    const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
    const smp = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch);
    const before = sim.getDeploymentRaw(ns, name)!;

    const dry = await apps.patchNamespacedDeployment(
      {
        name,
        namespace: ns,
        dryRun: 'All',
        body: { spec: { template: { spec: { containers: [{ name: 'api', image: GOOD }] } } } },
      },
      smp,
    );
    expect(dry.spec?.template.spec?.containers[0]?.image).toBe(GOOD);
    expect(sim.getDeploymentRaw(ns, name)).toEqual(before);

    const labelled = await apps.patchNamespacedDeployment(
      { name, namespace: ns, body: { metadata: { annotations: { team: 'payments' } } } },
      merge,
    );
    expect(labelled.metadata?.annotations).toMatchObject({
      team: 'payments',
      'deployment.kubernetes.io/revision': '3',
    });
    expect(labelled.metadata?.generation).toBe(before.metadata.generation);

    const smpd = await apps.patchNamespacedDeployment(
      {
        name,
        namespace: ns,
        body: { spec: { template: { spec: { containers: [{ name: 'api', image: GOOD }] } } } },
      },
      smp,
    );
    // Strategic merge keeps the container's other fields (merge by name); a merge patch would replace the list.
    expect(smpd.spec?.template.spec?.containers[0]).toMatchObject({
      name: 'api',
      image: GOOD,
      ports: [{ containerPort: 8080, protocol: 'TCP' }],
    });
    await sim.waitForIdle();
    expect(sim.getDeploymentRaw(ns, name)!.metadata.annotations!['deployment.kubernetes.io/revision']).toBe(
      '4',
    );
  });

  test('a merge-style body sent as the default JSON patch fails server-side', async () => {
    const f = await failure(
      apps.patchNamespacedDeployment({ name, namespace: ns, body: { metadata: { labels: { x: 'y' } } } }),
    );
    expect(f.code).toBe(400);
    expect(f.body).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
  });

  test('a stale PUT is a 409 Conflict', async () => {
    const d = await apps.readNamespacedDeployment({ name, namespace: ns });
    sim.setImage(ns, name, GOOD, 'deploy 1.4.2 again');
    d.spec!.replicas = 5;
    const f = await failure(apps.replaceNamespacedDeployment({ name, namespace: ns, body: d }));
    expect(f.code).toBe(409);
    expect(f.body).toMatchObject({
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on deployments.apps "payments-api": the object has been modified; please apply your changes to the latest version and try again',
      details: { name, group: 'apps', kind: 'deployments' },
    });
  });

  test('watch streams the rollout of a deploy until it is observed and complete', async () => {
    const events: { type: string; image: string; updated?: number }[] = [];
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const ctl = await new k8s.Watch(kc).watch(
      `/apis/apps/v1/namespaces/${ns}/deployments`,
      { fieldSelector: `metadata.name=${name}` },
      (type, obj: k8s.V1Deployment) => {
        const image = obj.spec!.template.spec!.containers[0]!.image!;
        events.push({ type, image, updated: obj.status?.updatedReplicas });
        const s = obj.status ?? {};
        const observed = (s.observedGeneration ?? 0) >= (obj.metadata?.generation ?? 0);
        if (
          image === GOOD &&
          observed &&
          s.updatedReplicas === 3 &&
          s.replicas === 3 &&
          s.availableReplicas === 3
        )
          finish();
      },
      () => undefined,
    );
    try {
      await new Promise((r) => setTimeout(r, 50));
      sim.setImage(ns, name, GOOD);
      await done;
    } finally {
      ctl.abort();
    }
    expect(events[0]).toMatchObject({ type: 'ADDED', image: BAD });
    expect(events.filter((e) => e.type === 'MODIFIED').length).toBeGreaterThan(3);
  });
});

describe('client-node under an RBAC scenario', () => {
  test('a verb the rules do not grant is a 403 Forbidden Status', async () => {
    const { fastScenario } = await import('./fixtures.js');
    const scenario = await fastScenario();
    scenario.cluster.rbac = {
      user: 'system:serviceaccount:rollbot:rollbot',
      rules: [
        {
          verbs: ['get', 'list', 'watch'],
          resources: ['deployments', 'replicasets'],
          namespaces: ['payments'],
        },
      ],
    };
    const sim = await startSim(scenario);
    try {
      const kc = new k8s.KubeConfig();
      kc.loadFromString(sim.kubeconfigYaml());
      const apps = kc.makeApiClient(k8s.AppsV1Api);
      await expect(
        apps.readNamespacedDeployment({ name: 'payments-api', namespace: 'payments' }),
      ).resolves.toBeDefined();
      const f = await failure(
        apps.patchNamespacedDeployment(
          {
            name: 'payments-api',
            namespace: 'payments',
            body: [{ op: 'replace', path: '/spec/replicas', value: 1 }],
          },
          k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch),
        ),
      );
      expect(f.code).toBe(403);
      expect(f.body).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message:
          'deployments.apps "payments-api" is forbidden: User "system:serviceaccount:rollbot:rollbot" cannot patch resource "deployments" in API group "apps" in the namespace "payments"',
        reason: 'Forbidden',
        details: { name: 'payments-api', group: 'apps', kind: 'deployments' },
        code: 403,
      });
      const other = await failure(apps.listNamespacedDeployment({ namespace: 'checkout' }));
      expect(other.code).toBe(403);
      expect(other.body.message).toBe(
        'deployments.apps is forbidden: User "system:serviceaccount:rollbot:rollbot" cannot list resource "deployments" in API group "apps" in the namespace "checkout"',
      );
    } finally {
      await sim.close();
    }
  });
});
