/** Graceful shutdown hands the lease back so another replica resumes at once; retries follow the step policy. */
import { fastRunbook, startWorld, type World } from '../helpers/world.js';
import { deploymentPatches, makeExecutor, waitUntil } from './harness.js';

let world: World;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  await world.close();
});

test('stop({ graceMs }) abandons a long step at grace, releases the lease, and another replica resumes immediately', async () => {
  const rb = fastRunbook(await world.runbook());
  rb.steps.splice(2, 0, {
    id: 'settle',
    type: 'wait',
    with: { duration: 1_500 },
    retry: { attempts: 1, backoff: 1000 },
  });
  const incident = await world.approvedIncident({ runbook: rb });
  const first = makeExecutor(world, { leaseTtlMs: 60_000 });
  const run = first.run(incident.id);
  await waitUntil(
    async () =>
      (await world.repo.require(incident.id)).execution?.steps.find((s) => s.id === 'settle')?.status ===
      'running',
  );

  await first.stop({ graceMs: 100 });
  // Interrupted, not finished: stop() did not wait out the 1.5 s step (however long it took to return).
  expect(await run).toMatchObject({ status: 'interrupted' });
  expect(await world.store.getLease('service:payments-api')).toBeNull();
  expect(await first.run(incident.id)).toMatchObject({ status: 'not_runnable' });

  // No waiting for a 60 s lease to lapse: the lease was handed back.
  const second = makeExecutor(world, { instanceId: 'replica-b' });
  const sweep = await second.sweep();
  expect(sweep.started).toEqual([incident.id]);
  await sweep.done;
  const done = await world.repo.require(incident.id);
  expect(done.state).toBe('succeeded');
  expect(done.execution?.steps.find((s) => s.id === 'settle')?.attempts).toBe(2);
  expect(deploymentPatches(world.kubeSim.requests)).toHaveLength(1);
});

test('a retryable failure is retried per the step policy; the attempts are recorded', async () => {
  const rb = fastRunbook(await world.runbook());
  rb.steps[1]!.retry = { attempts: 3, backoff: 50 };
  const incident = await world.approvedIncident({ runbook: rb });
  // The first undo attempt meets an API server outage longer than the adapter's own read
  // retries (4 tries), so the step fails once and the step policy retries it.
  world.kubeSim.faults.add({ method: 'GET', pathPattern: '/replicasets', status: 503, times: 4 });
  await makeExecutor(world).run(incident.id);
  const done = await world.repo.require(incident.id);
  expect(done.state).toBe('succeeded');
  expect(done.execution?.steps.find((s) => s.id === 'undo')?.attempts).toBe(2);
  expect(deploymentPatches(world.kubeSim.requests)).toHaveLength(1);
});
