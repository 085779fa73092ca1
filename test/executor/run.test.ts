import { fastRunbook, startWorld, type World } from '../helpers/world.js';
import { deploymentPatches, makeExecutor } from './harness.js';

let world: World;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  await world.close();
});

test('a full payments-api run: announce, undo, wait, healthz, error ratio — every step recorded and audited', async () => {
  const incident = await world.approvedIncident({ runbook: fastRunbook(await world.runbook()) });
  expect(incident.plan.current.revision).toBe(3);
  expect(incident.plan.target?.revision).toBe(2);
  const progress: string[] = [];
  const finished: string[] = [];
  const executor = makeExecutor(world, {
    onProgress: async (i) =>
      void progress.push(i.execution?.steps.map((s) => `${s.id}:${s.status}`).join(',') ?? ''),
    onFinished: async (i) => void finished.push(i.state),
  });

  const out = await executor.run(incident.id);

  expect(out.status).toBe('finished');
  const done = await world.repo.require(incident.id);
  expect(done.state).toBe('succeeded');
  expect(done.execution?.steps.map((s) => [s.id, s.status, s.attempts])).toEqual([
    ['announce', 'succeeded', 1],
    ['undo', 'succeeded', 1],
    ['wait', 'succeeded', 1],
    ['healthz', 'succeeded', 1],
    ['error-ratio', 'succeeded', 1],
  ]);
  expect(done.execution?.steps[1]?.summary).toBe('deployment.apps/payments-api rolled back');
  expect(done.execution?.steps[2]?.summary).toBe('deployment "payments-api" successfully rolled out');
  expect(done.execution?.rolloutCompleteAt).toBeGreaterThan(0);
  expect(done.execution?.recoveredAt).toBeGreaterThanOrEqual(done.execution!.rolloutCompleteAt!);
  expect(finished).toEqual(['succeeded']);
  expect(progress.length).toBeGreaterThan(5);

  // One undo PATCH, JSON patch with the resourceVersion precondition.
  const patches = deploymentPatches(world.kubeSim.requests);
  expect(patches).toHaveLength(1);
  expect(patches[0]!.contentType).toContain('application/json-patch+json');
  expect(JSON.parse(patches[0]!.body)[0]).toMatchObject({ op: 'test', path: '/metadata/resourceVersion' });
  expect(
    world.kubeSim.getDeploymentRaw('payments', 'payments-api')!.spec.template.spec.containers[0].image,
  ).toBe('registry.example.com/payments-api:1.4.2');

  const posted = world.slackSim.messages('C0PAYMENTS').map((m) => m.text);
  expect(posted).toEqual([
    `:rewind: Rolling back payments-api to revision 2 (registry.example.com/payments-api:1.4.2) — incident ${incident.id}`,
  ]);

  const actions = (await world.audit.read({ incidentId: incident.id })).map(
    (r) => `${r.action}${r.details['step'] ? `:${String(r.details['step'])}` : ''}`,
  );
  expect(actions).toEqual([
    'execution.started',
    'step.started:announce',
    'step.succeeded:announce',
    'step.started:undo',
    'step.succeeded:undo',
    'step.started:wait',
    'step.succeeded:wait',
    'step.started:healthz',
    'step.succeeded:healthz',
    'step.started:error-ratio',
    'step.succeeded:error-ratio',
    'rollback.succeeded',
  ]);
  expect(await world.store.getLease('service:payments-api')).toBeNull();
  // Every log line names the incident.
  const lines = world.logLines.map((l) => JSON.parse(l) as { incidentId?: string; msg: string });
  const executorLines = lines.filter((l) => /rollback|step/.test(l.msg));
  expect(executorLines.length).toBeGreaterThan(0);
  for (const l of executorLines) expect(l.incidentId).toBe(incident.id);
});
