/**
 * The Deployment controller's bookkeeping, driven through the simulator's controls: revision
 * numbers, revision-history, annotation copying, pruning, paused Deployments, ReplicaSet shape.
 */
import { BAD, fastScenario, GOOD, OLDEST, revisions, startSim } from './fixtures.js';

describe('Deployment controller', () => {
  test('ReplicaSets look like the controller makes them', async () => {
    const sim = await startSim();
    try {
      const d = sim.getDeploymentRaw('payments', 'payments-api')!;
      const rs = sim.listReplicaSetsRaw('payments', 'payments-api').find((r) => r.spec.replicas === 3)!;
      const hash = rs.metadata.labels!['pod-template-hash']!;
      expect(rs.metadata.name).toBe(`payments-api-${hash}`);
      expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
      expect(rs.spec.selector.matchLabels).toEqual({ app: 'payments-api', 'pod-template-hash': hash });
      expect(rs.spec.template.metadata.labels).toEqual({ app: 'payments-api', 'pod-template-hash': hash });
      expect(rs.metadata.ownerReferences).toEqual([
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: 'payments-api',
          uid: d.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
      expect(rs.metadata.annotations).toEqual({
        'deployment.kubernetes.io/revision': '3',
        'deployment.kubernetes.io/desired-replicas': '3',
        'deployment.kubernetes.io/max-replicas': '4',
        'kubernetes.io/change-cause': 'deploy payments-api 1.5.0',
      });
      const pods = sim.listPodsRaw('payments', 'payments-api');
      expect(pods).toHaveLength(3);
      expect(
        pods.every((p) => p.metadata.name.startsWith(`${rs.metadata.name}-`) && p.status.phase === 'Running'),
      ).toBe(true);
    } finally {
      await sim.close();
    }
  });

  test('a deploy creates revision max+1 and copies annotations; going back re-numbers the old ReplicaSet', async () => {
    const sim = await startSim();
    try {
      sim.setImage('payments', 'payments-api', 'registry.example.com/payments-api:1.6.0', 'deploy 1.6.0');
      await sim.waitForIdle();
      expect(revisions(sim)['4']).toEqual({ image: 'registry.example.com/payments-api:1.6.0', replicas: 3 });
      sim.setImage('payments', 'payments-api', GOOD, 'back to 1.4.2');
      await sim.waitForIdle();
      expect(revisions(sim)).toEqual({
        '1': { image: OLDEST, replicas: 0 },
        '3': { image: BAD, replicas: 0 },
        '4': { image: 'registry.example.com/payments-api:1.6.0', replicas: 0 },
        '5': { image: GOOD, replicas: 3, history: '2' },
      });
      const rs5 = sim
        .listReplicaSetsRaw('payments', 'payments-api')
        .find((r) => r.metadata.annotations!['deployment.kubernetes.io/revision'] === '5')!;
      expect(rs5.metadata.annotations!['kubernetes.io/change-cause']).toBe('back to 1.4.2');
      sim.setImage('payments', 'payments-api', BAD);
      await sim.waitForIdle();
      expect(revisions(sim)['6']).toEqual({ image: BAD, replicas: 3, history: '3' });
      const d = sim.getDeploymentRaw('payments', 'payments-api')!;
      expect(d.status.observedGeneration).toBe(d.metadata.generation);
    } finally {
      await sim.close();
    }
  });

  test('revisionHistoryLimit prunes the oldest scaled-down ReplicaSets', async () => {
    const sim = await startSim(await fastScenario({ revisionHistoryLimit: 1 }));
    try {
      expect(Object.keys(revisions(sim)).sort()).toEqual(['2', '3']);
      sim.setImage('payments', 'payments-api', 'registry.example.com/payments-api:1.6.0');
      await sim.waitForIdle();
      expect(Object.keys(revisions(sim)).sort()).toEqual(['3', '4']);
    } finally {
      await sim.close();
    }
  });

  test('a paused Deployment does not roll out until resumed', async () => {
    const sim = await startSim();
    try {
      sim.setPaused('payments', 'payments-api', true);
      sim.setImage('payments', 'payments-api', GOOD);
      await sim.waitForIdle();
      expect(revisions(sim)['3']!.replicas).toBe(3);
      const paused = sim.getDeploymentRaw('payments', 'payments-api')!;
      expect(paused.status.conditions.find((c: { type: string }) => c.type === 'Progressing')).toMatchObject({
        status: 'Unknown',
        reason: 'DeploymentPaused',
        message: 'Deployment is paused',
      });
      sim.setPaused('payments', 'payments-api', false);
      await sim.waitForIdle();
      expect(revisions(sim)['4']).toEqual({ image: GOOD, replicas: 3, history: '2' });
    } finally {
      await sim.close();
    }
  });

  test('an image marked unready mid-life makes pods unready; marking it good again recovers', async () => {
    const sim = await startSim();
    try {
      sim.markImage(BAD, 'unready');
      // Not idle afterwards: the Deployment is no longer available, as `rollout status` would report.
      await new Promise((r) => setTimeout(r, 50));
      expect(sim.readyImages('payments', 'payments-api')).toEqual([]);
      expect(
        sim
          .getDeploymentRaw('payments', 'payments-api')!
          .status.conditions.find((c: { type: string }) => c.type === 'Available'),
      ).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable' });
      sim.markImage(BAD, 'good');
      await sim.waitForIdle();
      expect(sim.readyImages('payments', 'payments-api')).toEqual([BAD, BAD, BAD]);
    } finally {
      await sim.close();
    }
  });

  test('pod-template fields the sandbox does not know survive as raw JSON', async () => {
    const scenario = await fastScenario();
    scenario.cluster.deployments[0]!.extraTemplateSpec = { futureField: { mode: 'strict' } };
    const sim = await startSim(scenario);
    try {
      expect(sim.getDeploymentRaw('payments', 'payments-api')!.spec.template.spec.futureField).toEqual({
        mode: 'strict',
      });
      sim.setImage('payments', 'payments-api', GOOD);
      await sim.waitForIdle();
      const current = sim
        .listReplicaSetsRaw('payments', 'payments-api')
        .find((rs) => rs.spec.replicas === 3)!;
      expect(current.spec.template.spec.futureField).toEqual({ mode: 'strict' });
    } finally {
      await sim.close();
    }
  });
});
