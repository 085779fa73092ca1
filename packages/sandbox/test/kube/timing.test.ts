/**
 * Time in the simulated cluster: controller passes `controllerDelay` apart, pods Running before
 * Ready, Terminating pods, the stale ProgressDeadlineExceeded window after an undo of a stuck
 * rollout (as upstream syncRolloutStatus leaves it), the watch cache window (410 Gone) and
 * periodic bookmarks. Every assertion polls for a state; none measures wall-clock speed.
 */
import { request } from 'node:http';
import { startKubeSimulator, type KubeSimulator, type KubeObject } from '../../src/kube/index.js';
import { loadScenario } from '../../src/scenario/load.js';
import { GOOD, UNREADY, kubectlFor } from './fixtures.js';

const NS = 'payments';
const NAME = 'payments-api';

async function until<T>(what: string, f: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const progressing = (d: KubeObject) =>
  d.status?.conditions?.find((c: { type: string }) => c.type === 'Progressing');

/** Streams a watch and collects its events until `stop()`. */
function watch(
  sim: KubeSimulator,
  query: string,
): { events: { type: string; object: KubeObject }[]; stop(): void } {
  const events: { type: string; object: KubeObject }[] = [];
  const req = request(`${sim.url}/apis/apps/v1/namespaces/${NS}/deployments?watch=true&${query}`, (res) => {
    let buf = '';
    res.on('data', (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        events.push(JSON.parse(buf.slice(0, nl)));
        buf = buf.slice(nl + 1);
      }
    });
    res.on('error', () => undefined);
  });
  req.on('error', () => undefined);
  req.end();
  return { events, stop: () => req.destroy() };
}

describe('the stuck-rollout scenario, with its realistic timing', () => {
  let sim: KubeSimulator;
  afterEach(async () => sim?.close());

  test('seeds a rollout stuck at revision 3: two old pods serve, two new ones never Ready, deadline exceeded', async () => {
    sim = await startKubeSimulator({ scenario: await loadScenario('stuck-rollout') });
    const d = sim.getDeploymentRaw(NS, NAME)!;
    expect(d.metadata.annotations!['deployment.kubernetes.io/revision']).toBe('3');
    expect(d.status).toMatchObject({
      observedGeneration: d.metadata.generation,
      replicas: 4,
      updatedReplicas: 2,
      availableReplicas: 2,
      unavailableReplicas: 2,
    });
    expect(progressing(d)).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
    expect(sim.readyImages(NS, NAME)).toEqual([GOOD, GOOD]);
    const images = sim.listPodsRaw(NS, NAME).map((p) => p.spec.containers[0].image);
    expect(images.filter((i) => i === UNREADY)).toHaveLength(2);
  });

  test('after an undo the new generation is observed while Progressing still says ProgressDeadlineExceeded; then it completes', async () => {
    sim = await startKubeSimulator({ scenario: await loadScenario('stuck-rollout') });
    const seen: KubeObject[] = [];
    const terminating = new Set<string>();
    sim.cluster.store.subscribe((e) => {
      if (e.resource === 'deployments' && e.object.metadata.name === NAME) seen.push(e.object);
      if (e.resource === 'pods' && e.type === 'MODIFIED' && e.object.metadata.deletionTimestamp)
        terminating.add(e.object.spec.containers[0].image);
    });
    const kubectl = await kubectlFor(sim);
    try {
      const undo = await kubectl.run('-n', NS, 'rollout', 'undo', `deployment/${NAME}`);
      expect(undo.stdout.trim()).toBe('deployment.apps/payments-api rolled back');
      const generation = sim.getDeploymentRaw(NS, NAME)!.metadata.generation;
      await until('the rollback to complete', () => {
        const d = sim.getDeploymentRaw(NS, NAME)!;
        return progressing(d)?.reason === 'NewReplicaSetAvailable' && d.status.updatedReplicas === 3;
      });
      // The window: status written for the new generation, condition still the old rollout's.
      const stale = seen.filter(
        (d) =>
          d.status?.observedGeneration === generation &&
          progressing(d)?.reason === 'ProgressDeadlineExceeded',
      );
      expect(stale.length).toBeGreaterThan(0);
      // Old pods go through Terminating (deletionTimestamp set, still listed) before they are gone.
      expect([...terminating]).toEqual([UNREADY]);
      await sim.waitForIdle();
      expect(sim.readyImages(NS, NAME)).toEqual([GOOD, GOOD, GOOD]);
      expect(sim.listPodsRaw(NS, NAME).every((p) => p.spec.containers[0].image === GOOD)).toBe(true);
    } finally {
      await kubectl.dispose();
    }
  }, 60_000);
});

describe('pods take time', () => {
  let sim: KubeSimulator;
  afterEach(async () => sim?.close());

  test('a new pod is Running but not Ready for podReadyDelay; a scaled-away pod is Terminating for terminationGrace', async () => {
    const scenario = await loadScenario();
    sim = await startKubeSimulator({
      scenario,
      stepMs: 20,
      timing: { controllerDelay: 20, podReadyDelay: 400, terminationGrace: 400 },
    });
    const pods = sim.cluster.store;
    const runningNotReady = new Set<string>();
    const terminating = new Set<string>();
    pods.subscribe((e) => {
      if (e.resource !== 'pods') return;
      const p = e.object;
      const ready = p.status?.conditions?.find((c: { type: string }) => c.type === 'Ready')?.status;
      if (p.status?.phase === 'Running' && ready === 'False') runningNotReady.add(p.metadata.uid!);
      if (e.type === 'MODIFIED' && p.metadata.deletionTimestamp) terminating.add(p.metadata.uid!);
    });
    sim.setImage(NS, NAME, GOOD);
    await sim.waitForIdle();
    expect(runningNotReady.size).toBe(3);
    expect(terminating.size).toBe(3);
    // A Terminating pod counts for nobody: the ReplicaSet reported its replacements only.
    const rs = sim
      .listReplicaSetsRaw(NS, NAME)
      .find((r) => r.spec.template.spec.containers[0].image === GOOD)!;
    expect(rs.status).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3 });
  }, 60_000);
});

describe('the watch cache', () => {
  let sim: KubeSimulator;
  afterEach(async () => sim?.close());

  test('a resourceVersion older than the window answers 410 Expired; the current one watches', async () => {
    const scenario = await loadScenario();
    sim = await startKubeSimulator({
      scenario,
      stepMs: 20,
      timing: { controllerDelay: 0, podReadyDelay: 0, terminationGrace: 0, watchCacheWindow: 200 },
    });
    const old = sim.getDeploymentRaw(NS, NAME)!.metadata.resourceVersion!;
    // Another Deployment changes, then the window passes: events after `old` are gone.
    sim.scale('checkout', 'checkout-web', 3);
    await sim.waitForIdle();
    await new Promise((r) => setTimeout(r, 300));
    sim.scale('checkout', 'checkout-web', 2);
    await sim.waitForIdle();
    const w = watch(sim, `resourceVersion=${old}`);
    const [first] = await until('an event', () => (w.events.length ? w.events : undefined));
    w.stop();
    expect(first).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });

    const list = await fetch(
      `${sim.url}/apis/apps/v1/namespaces/${NS}/deployments?fieldSelector=metadata.name%3D${NAME}`,
    );
    const rv = ((await list.json()) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    const fresh = watch(sim, `resourceVersion=${rv}&fieldSelector=metadata.name%3D${NAME}`);
    sim.scale(NS, NAME, 4);
    const events = await until('a MODIFIED event', () =>
      fresh.events.some((e) => e.type === 'MODIFIED') ? fresh.events : undefined,
    );
    fresh.stop();
    expect(events.map((e) => e.type)).not.toContain('ERROR');
  });

  test('bookmarks arrive every bookmarkInterval, not at watch start', async () => {
    const scenario = await loadScenario();
    sim = await startKubeSimulator({
      scenario,
      stepMs: 20,
      timing: { controllerDelay: 0, podReadyDelay: 0, terminationGrace: 0, bookmarkInterval: 300 },
    });
    const rv = sim.getDeploymentRaw(NS, NAME)!.metadata.resourceVersion!;
    const started = Date.now();
    const w = watch(sim, `resourceVersion=${rv}&allowWatchBookmarks=true`);
    const bookmarks = await until('two bookmarks', () => {
      const b = w.events.filter((e) => e.type === 'BOOKMARK');
      return b.length >= 2 ? b : undefined;
    });
    const elapsed = Date.now() - started;
    w.stop();
    // Two bookmarks need at least two intervals: none was sent when the watch opened.
    expect(elapsed).toBeGreaterThanOrEqual(550);
    expect(bookmarks[0]!.object.metadata.resourceVersion).toMatch(/^\d+$/);
  });
});
