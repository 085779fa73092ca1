/**
 * Controller semantics driven by real kubectl, with the numbers upstream's controller computes
 * (pkg/controller/deployment recreate.go; sync.go scale with util GetReplicaSetProportion):
 * Recreate takes capacity to zero first, a paused Deployment still scales, and replicas changed in
 * the middle of a rollout are spread over the ReplicaSets in proportion.
 */
import { startKubeSimulator, type KubeSimulator } from '../../src/kube/index.js';
import { loadScenario } from '../../src/scenario/load.js';
import { BAD, FAST_TIMING, GOOD, hasKubectl, kubectlFor, type Kubectl, UNREADY } from './fixtures.js';

const NS = 'payments';
const NAME = 'payments-api';
const d = hasKubectl ? describe : describe.skip;

d('Deployment controller semantics, through kubectl', () => {
  let sim: KubeSimulator;
  let kubectl: Kubectl;
  const k = async (...args: string[]) => {
    const r = await kubectl.run('-n', NS, ...args);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  };
  const sizes = (): Record<string, number> =>
    Object.fromEntries(
      sim
        .listReplicaSetsRaw(NS, NAME)
        .filter((rs) => rs.spec.replicas > 0)
        .map((rs) => [rs.spec.template.spec.containers[0].image, rs.spec.replicas]),
    );
  afterEach(async () => {
    await kubectl?.dispose();
    await sim?.close();
  });

  test('Recreate: old pods are all gone (Terminating included) before any new pod exists', async () => {
    sim = await startKubeSimulator({
      scenario: await loadScenario(),
      stepMs: 20,
      timing: { ...FAST_TIMING, terminationGrace: 300 },
    });
    kubectl = await kubectlFor(sim);
    await k(
      'patch',
      `deployment/${NAME}`,
      '--type=json',
      '-p',
      '[{"op":"replace","path":"/spec/strategy","value":{"type":"Recreate"}}]',
    );
    let overlap = false;
    let zeroSeen = false;
    sim.cluster.store.subscribe(() => {
      const pods = sim.listPodsRaw(NS, NAME);
      const images = new Set(pods.map((p) => p.spec.containers[0].image));
      if (images.has(BAD) && images.has(GOOD)) overlap = true;
      if (pods.length === 0) zeroSeen = true;
    });
    await k('set', 'image', `deployment/${NAME}`, `api=${GOOD}`);
    expect(await k('rollout', 'status', `deployment/${NAME}`, '--timeout=30s')).toContain(
      'successfully rolled out',
    );
    expect(overlap).toBe(false);
    expect(zeroSeen).toBe(true);
    expect(sim.readyImages(NS, NAME)).toEqual([GOOD, GOOD, GOOD]);
  });

  test('a paused Deployment still scales (and still does not roll out)', async () => {
    sim = await startKubeSimulator({ scenario: await loadScenario(), stepMs: 20, timing: FAST_TIMING });
    kubectl = await kubectlFor(sim);
    await k('rollout', 'pause', `deployment/${NAME}`);
    await k('set', 'image', `deployment/${NAME}`, `api=${GOOD}`);
    await k('scale', `deployment/${NAME}`, '--replicas=5');
    await sim.waitForIdle();
    expect(sizes()).toEqual({ [BAD]: 5 });
    const out = await k(
      'get',
      `deployment/${NAME}`,
      '-o',
      'jsonpath={.status.replicas}/{.status.availableReplicas}',
    );
    expect(out).toBe('5/5');
  });

  test('replicas changed mid-rollout are spread in proportion (3 → 6 while stuck: 2+2 becomes 3+4)', async () => {
    // stuck-rollout: revision 2 has 2 pods, revision 3 has 2 that never become Ready; maxSurge 1.
    sim = await startKubeSimulator({ scenario: await loadScenario('stuck-rollout'), timing: FAST_TIMING });
    kubectl = await kubectlFor(sim);
    expect(sizes()).toEqual({ [GOOD]: 2, [UNREADY]: 2 });
    await k('scale', `deployment/${NAME}`, '--replicas=6');
    for (let i = 0; i < 2000 && Object.values(sizes()).reduce((n, x) => n + x, 0) !== 7; i++)
      await new Promise((r) => setTimeout(r, 10));
    // allowed 6+1 = 7, 3 to add; both at 2 of max-replicas 4: round(2·7/4) = 4 each, newer first:
    // revision 3 gets +2, revision 2 the remaining +1 (GetReplicaSetProportion).
    expect(sizes()).toEqual({ [GOOD]: 3, [UNREADY]: 4 });
  });

  test('minReadySeconds reaches a re-used ReplicaSet (undo), not only new ones', async () => {
    sim = await startKubeSimulator({ scenario: await loadScenario(), stepMs: 20, timing: FAST_TIMING });
    kubectl = await kubectlFor(sim);
    await k('patch', `deployment/${NAME}`, '-p', '{"spec":{"minReadySeconds":1}}');
    await k('rollout', 'undo', `deployment/${NAME}`);
    expect(await k('rollout', 'status', `deployment/${NAME}`, '--timeout=30s')).toContain(
      'successfully rolled out',
    );
    const reused = sim
      .listReplicaSetsRaw(NS, NAME)
      .find((rs) => rs.spec.template.spec.containers[0].image === GOOD)!;
    expect(reused.metadata.annotations!['deployment.kubernetes.io/revision-history']).toBe('2');
    expect(reused.spec.minReadySeconds).toBe(1);
    await sim.waitForIdle();
    expect(sim.readyImages(NS, NAME)).toEqual([GOOD, GOOD, GOOD]);
  });
});
