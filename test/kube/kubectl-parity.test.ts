/**
 * For the same Deployment and history, rollbot's undo PATCH is kubectl's (plus the precondition):
 * kubectl runs against one simulator, rollbot against an identical fresh one, and both PATCH
 * requests are taken from the simulators' request logs.
 */
import type { KubeSimulator } from '@rollbot/sandbox/kube';
import { defaultScenario, hasKubectl, kubectl, NAME, NS, startWorld, type World } from './harness.js';

if (!hasKubectl) console.warn('kubectl is not on PATH: skipping the rollbot-vs-kubectl PATCH comparison');
const maybe = hasKubectl ? describe : describe.skip;

function patchOps(sim: KubeSimulator): { op: string; path: string; value?: unknown }[] {
  const patches = sim.requests.filter((r) => r.method === 'PATCH');
  expect(patches).toHaveLength(1);
  expect(patches[0]!.contentType).toBe('application/json-patch+json');
  return JSON.parse(patches[0]!.body);
}

maybe('rollbot undo sends the PATCH kubectl sends', () => {
  const worlds: World[] = [];
  afterEach(async () => {
    await Promise.all(worlds.splice(0).map((w) => w.close()));
  });

  const cases: [string, string[], { toRevision?: number }][] = [
    ['previous revision', [], {}],
    ['--to-revision=1', ['--to-revision=1'], { toRevision: 1 }],
  ];
  test.each(cases)('%s', async (_label, kubectlArgs, target) => {
    const scenario = await defaultScenario((d) => {
      d.extraTemplateSpec = { enableServiceLinks: false };
    });
    const viaKubectl = await startWorld(structuredClone(scenario));
    const viaRollbot = await startWorld(structuredClone(scenario));
    worlds.push(viaKubectl, viaRollbot);
    viaKubectl.sim.clearRequests();
    viaRollbot.sim.clearRequests();

    const k = await kubectl(
      viaKubectl.sim,
      '-n',
      NS,
      'rollout',
      'undo',
      `deployment/${NAME}`,
      ...kubectlArgs,
    );
    expect(k.stderr).toBe('');
    const r = await viaRollbot.gw.rolloutUndo({ namespace: NS, name: NAME, ...target });
    expect(r.message).toBe(k.stdout.trim());

    const theirs = patchOps(viaKubectl.sim);
    const ours = patchOps(viaRollbot.sim);
    expect(ours[0]).toEqual({
      op: 'test',
      path: '/metadata/resourceVersion',
      value: expect.stringMatching(/^\d+$/),
    });
    expect(ours.slice(1)).toEqual(theirs);
    // And the two clusters end in the same place, once their controllers have synced.
    await Promise.all([viaKubectl.sim.waitForIdle(), viaRollbot.sim.waitForIdle()]);
    const a = viaKubectl.sim.getDeploymentRaw(NS, NAME)!;
    const b = viaRollbot.sim.getDeploymentRaw(NS, NAME)!;
    expect(b.spec.template).toEqual(a.spec.template);
    expect(b.metadata.annotations).toEqual(a.metadata.annotations);
  });

  test('a template field unknown to typed clients: kubectl drops it, rollbot keeps it', async () => {
    const scenario = await defaultScenario((d) => {
      d.extraTemplateSpec = { futureFeature: { mode: 'strict' } };
    });
    const viaKubectl = await startWorld(structuredClone(scenario));
    const viaRollbot = await startWorld(structuredClone(scenario));
    worlds.push(viaKubectl, viaRollbot);
    viaKubectl.sim.clearRequests();
    viaRollbot.sim.clearRequests();
    await kubectl(viaKubectl.sim, '-n', NS, 'rollout', 'undo', `deployment/${NAME}`);
    await viaRollbot.gw.rolloutUndo({ namespace: NS, name: NAME });
    const spec = (ops: { path: string; value?: unknown }[]) =>
      (ops.find((o) => o.path === '/spec/template')!.value as { spec: Record<string, unknown> }).spec;
    expect(spec(patchOps(viaRollbot.sim))['futureFeature']).toEqual({ mode: 'strict' });
    expect(spec(patchOps(viaKubectl.sim))['futureFeature']).toBeUndefined();
  });

  test('re-running the same plan converges, and kubectl agrees nothing is left to do', async () => {
    const scenario = await defaultScenario();
    const w = await startWorld(scenario);
    worlds.push(w);
    const plan = await w.gw.planUndo(NS, NAME);
    await w.gw.rolloutUndo(plan);
    expect((await w.gw.rolloutUndo(plan)).result).toBe('skipped');
    const k = await kubectl(w.sim, '-n', NS, 'rollout', 'undo', `deployment/${NAME}`, '--to-revision=4');
    expect(k.stdout.trim()).toBe(
      'deployment.apps/payments-api skipped rollback (current template already matches revision 4)',
    );
  });
});
