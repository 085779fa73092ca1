/**
 * The real kubectl against the simulator: the same commands, revisions, annotations, messages and
 * exit codes a real cluster gives (see docs reference/kubernetes-rollback.md).
 */
import type { KubeSimulator } from '../../src/kube/index.js';
import {
  BAD,
  fastScenario,
  GOOD,
  hasKubectl,
  kubectlFor,
  OLDEST,
  revisions,
  startSim,
  UNREADY,
  type Kubectl,
} from './fixtures.js';

if (!hasKubectl) console.warn('kubectl is not on PATH: skipping the kubectl-driven simulator tests');
const maybe = hasKubectl ? describe : describe.skip;

maybe('kubectl against the simulator', () => {
  let sim: KubeSimulator;
  let kubectl: Kubectl;
  const k = (...args: string[]) => kubectl.run('-n', 'payments', ...args);

  beforeEach(async () => {
    sim = await startSim(await fastScenario({ progressDeadlineSeconds: 2 }));
    kubectl = await kubectlFor(sim);
  });
  afterEach(async () => {
    await kubectl.dispose();
    await sim.close();
  });

  test('get deploy -o json shows the seeded revision, defaults and a complete status', async () => {
    const r = await k('get', 'deploy', 'payments-api', '-o', 'json');
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d.metadata.annotations['deployment.kubernetes.io/revision']).toBe('3');
    expect(d.spec.template.spec.containers[0]).toMatchObject({
      image: BAD,
      imagePullPolicy: 'IfNotPresent',
      terminationMessagePath: '/dev/termination-log',
    });
    expect(d.spec.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
    });
    expect(d.status).toMatchObject({
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      observedGeneration: d.metadata.generation,
    });
    const progressing = d.status.conditions.find((c: { type: string }) => c.type === 'Progressing');
    expect(progressing).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable' });
    expect(progressing.message).toMatch(
      /^ReplicaSet "payments-api-[a-z0-9]+" has successfully progressed\.$/,
    );
  });

  test('get prints the server-side table columns', async () => {
    const r = await k('get', 'deploy');
    expect(r.stdout).toMatch(
      /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\npayments-api\s+3\/3\s+3\s+3\s+\d+h\n$/,
    );
  });

  test('rollout history lists revisions with their change-cause', async () => {
    const r = await k('rollout', 'history', 'deployment/payments-api');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /REVISION\s+CHANGE-CAUSE\n1\s+deploy payments-api 1\.4\.1\n2\s+deploy payments-api 1\.4\.2\n3\s+deploy payments-api 1\.5\.0/,
    );
  });

  test('rollout undo re-activates the previous ReplicaSet as a new revision and rolls out', async () => {
    sim.clearRequests();
    const r = await k('rollout', 'undo', 'deployment/payments-api');
    expect(r.stdout.trim()).toBe('deployment.apps/payments-api rolled back');
    const patch = sim.requests.find((q) => q.method === 'PATCH')!;
    expect(patch.contentType).toBe('application/json-patch+json');
    expect(JSON.parse(patch.body).map((op: { op: string; path: string }) => `${op.op} ${op.path}`)).toEqual([
      'replace /spec/template',
      'replace /metadata/annotations',
    ]);

    const status = await k('rollout', 'status', 'deployment/payments-api', '--timeout=20s');
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('deployment "payments-api" successfully rolled out');
    expect(revisions(sim)).toEqual({
      '1': { image: OLDEST, replicas: 0 },
      '3': { image: BAD, replicas: 0 },
      '4': { image: GOOD, replicas: 3, history: '2' },
    });
    const history = await k('rollout', 'history', 'deployment/payments-api');
    expect(history.stdout).toMatch(
      /1\s+deploy payments-api 1\.4\.1\n3\s+deploy payments-api 1\.5\.0\n4\s+deploy payments-api 1\.4\.2/,
    );
    expect(
      sim.getDeploymentRaw('payments', 'payments-api')!.metadata.annotations![
        'deployment.kubernetes.io/revision'
      ],
    ).toBe('4');
  });

  test('undo to a revision, then to one that no longer exists, then a repeated undo is skipped', async () => {
    expect((await k('rollout', 'undo', 'deployment/payments-api', '--to-revision=1')).stdout.trim()).toBe(
      'deployment.apps/payments-api rolled back',
    );
    await sim.waitForIdle();
    expect(revisions(sim)['4']).toEqual({ image: OLDEST, replicas: 3, history: '1' });

    const gone = await k('rollout', 'undo', 'deployment/payments-api', '--to-revision=1');
    expect(gone.code).toBe(1);
    expect(gone.stderr.trim()).toBe('error: unable to find specified revision 1 in history');

    const same = await k('rollout', 'undo', 'deployment/payments-api', '--to-revision=4');
    expect(same.code).toBe(0);
    expect(same.stdout.trim()).toBe(
      'deployment.apps/payments-api skipped rollback (current template already matches revision 4)',
    );
  });

  test('set image starts a new revision; server dry-run undo changes nothing', async () => {
    const r = await k(
      'set',
      'image',
      'deployment/payments-api',
      'api=registry.example.com/payments-api:1.6.0',
    );
    expect(r.stdout.trim()).toBe('deployment.apps/payments-api image updated');
    const patch = sim.requests.find((q) => q.method === 'PATCH')!;
    expect(patch.contentType).toBe('application/strategic-merge-patch+json');
    expect((await k('rollout', 'status', 'deployment/payments-api', '--timeout=20s')).code).toBe(0);
    expect(revisions(sim)['4']).toEqual({ image: 'registry.example.com/payments-api:1.6.0', replicas: 3 });

    const before = sim.getDeploymentRaw('payments', 'payments-api')!;
    const dry = await k('rollout', 'undo', 'deployment/payments-api', '--dry-run=server');
    expect(dry.stdout.trim()).toBe('deployment.apps/payments-api rolled back (server dry run)');
    expect(sim.getDeploymentRaw('payments', 'payments-api')!.metadata.resourceVersion).toBe(
      before.metadata.resourceVersion,
    );
  });

  test('rollout status fails with the progress-deadline message when pods never become ready', async () => {
    expect((await k('set', 'image', 'deployment/payments-api', `api=${UNREADY}`)).code).toBe(0);
    const r = await k('rollout', 'status', 'deployment/payments-api', '--timeout=20s');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: deployment "payments-api" exceeded its progress deadline');
    const d = sim.getDeploymentRaw('payments', 'payments-api')!;
    const progressing = d.status.conditions.find((c: { type: string }) => c.type === 'Progressing');
    expect(progressing).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
    expect(progressing.message).toMatch(/^ReplicaSet "payments-api-[a-z0-9]+" has timed out progressing\.$/);
    // The old pods keep serving (maxUnavailable rounds down to 0 for 3 replicas).
    expect(d.status).toMatchObject({
      replicas: 4,
      updatedReplicas: 1,
      availableReplicas: 3,
      unavailableReplicas: 1,
    });

    // Undo recovers: the previous ReplicaSet becomes current again and the broken pod goes away.
    await k('rollout', 'undo', 'deployment/payments-api');
    expect((await k('rollout', 'status', 'deployment/payments-api', '--timeout=20s')).code).toBe(0);
    expect(sim.listPodsRaw('payments', 'payments-api').map((p) => p.spec.containers[0].image)).toEqual([
      BAD,
      BAD,
      BAD,
    ]);
  });

  test('a paused deployment is refused by undo', async () => {
    sim.setPaused('payments', 'payments-api', true);
    const r = await k('rollout', 'undo', 'deployment/payments-api');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('you cannot rollback a paused deployment; resume it first');
  });
});
