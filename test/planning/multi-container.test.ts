/**
 * Bug 5 of issue #14: a Deployment whose first container is a sidecar (unchanged across
 * revisions) — the proposal must list the commits of the container whose image the rollback
 * changes, not compare the sidecar's tag with itself.
 */
import { startWorld, type World } from '../helpers/world.js';

const ENVOY = 'registry.example.com/envoy:v1.30.1';

let world: World | undefined;
afterEach(async () => world?.close());

test('sidecar first: the commits between the app images are listed, and the sidecar is not compared', async () => {
  world = await startWorld({
    scenario: (s) => {
      s.cluster.deployments.find((d) => d.name === 'payments-api')!.sidecars = [
        { name: 'envoy', image: ENVOY },
      ];
    },
  });
  const d = world.kubeSim.getDeploymentRaw('payments', 'payments-api')!;
  expect(d.spec.template.spec.containers.map((c: { name: string }) => c.name)).toEqual(['envoy', 'api']);
  const plan = await world.planner.plan(
    await world.runbook(),
    { namespace: 'payments', deployment: 'payments-api' },
    {},
  );
  expect(plan.target?.images).toEqual([ENVOY, 'registry.example.com/payments-api:1.4.2']);
  expect(plan.commitsNote).toBeUndefined();
  expect(plan.commits.map((c) => c.message)).toEqual([
    'Release 1.5.0',
    'Retry declined charges automatically',
    'Raise DB pool size to 200',
    'Switch card tokenizer to new client',
  ]);
  expect(plan.compareUrl).toContain('v1.4.2...v1.5.0');
});

test('two containers changed: the app commits, and a note naming the image that could not be compared', async () => {
  world = await startWorld({
    scenario: (s) => {
      s.cluster.deployments.find((d) => d.name === 'payments-api')!.sidecars = [
        { name: 'envoy', image: ENVOY },
      ];
    },
  });
  // A deploy that also bumps the sidecar to another tag of the same repository's images.
  world.kubeSim.setImage('payments', 'payments-api', 'registry.example.com/envoy:v1.4.1', undefined, 'envoy');
  await world.kubeSim.waitForIdle();
  const plan = await world.planner.plan(
    await world.runbook(),
    { namespace: 'payments', deployment: 'payments-api' },
    { toRevision: 2 },
  );
  // envoy v1.4.1 → v1.30.1 cannot be compared in acme/payments-api (no such tag): said so, by image.
  expect(plan.commitsNote).toContain('registry.example.com/envoy:v1.4.1');
  expect(plan.commits.length).toBeGreaterThan(0);
});
