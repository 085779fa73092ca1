/** What stops a rollback: a stale plan, a rollout that never becomes ready, the audit log, the lease, a cancel. */
import type { AuditEvent } from '../../src/audit/record.js';
import { RollbotError } from '../../src/core/errors.js';
import { createStepRegistry } from '../../src/steps/registry.js';
import { slackNotify } from '../../src/steps/slack-notify.js';
import type { StepImplementation } from '../../src/steps/types.js';
import { fastRunbook, startWorld, type World } from '../helpers/world.js';
import { deploymentPatches, requestStop, makeExecutor, waitUntil } from './harness.js';

const NEWER = 'registry.example.com/payments-api:1.6.0';

let world: World;
afterEach(async () => {
  await world?.close();
});

describe('with the default world', () => {
  beforeEach(async () => {
    world = await startWorld();
  });

  test('a deploy after approval makes the undo refuse as stale_plan; nothing is patched', async () => {
    const incident = await world.approvedIncident({ runbook: fastRunbook(await world.runbook()) });
    world.kubeSim.setImage('payments', 'payments-api', NEWER, 'deploy 1.6.0');
    await world.kubeSim.waitForIdle(5_000);
    world.kubeSim.clearRequests();

    await makeExecutor(world).run(incident.id);

    const done = await world.repo.require(incident.id);
    expect(done.state).toBe('failed');
    expect(done.execution?.failure).toMatchObject({
      step: 'undo',
      hint: 'a newer deploy happened; re-run /rollback to get a fresh proposal',
    });
    expect(done.execution?.failure?.message).toMatch(/moved since approval: it runs revision 4/);
    expect(done.execution?.steps.find((s) => s.id === 'undo')?.error?.code).toBe('stale_plan');
    expect(done.execution?.steps.find((s) => s.id === 'undo')?.attempts).toBe(1);
    expect(deploymentPatches(world.kubeSim.requests)).toHaveLength(0);
    expect(
      world.kubeSim.getDeploymentRaw('payments', 'payments-api')!.spec.template.spec.containers[0].image,
    ).toBe(NEWER);
    const actions = (await world.audit.read({ incidentId: incident.id })).map((r) => r.action);
    expect(actions.slice(-2)).toEqual(['step.failed', 'rollback.failed']);
  });

  test('a deploy racing the undo PATCH is caught by the resourceVersion test op (stale_plan), not overwritten', async () => {
    const incident = await world.approvedIncident({ runbook: fastRunbook(await world.runbook()) });
    // The deploy lands the moment the simulator has received the undo PATCH and before it serves
    // it (the request log is written on arrival, then the fault holds the PATCH): the race is
    // decided by order, not by timers, so a busy machine cannot turn it around.
    world.kubeSim.faults.add({ method: 'PATCH', pathPattern: '/deployments/payments-api', delayMs: 50 });
    const requests = world.kubeSim.requests;
    const push = requests.push.bind(requests);
    let raced = false;
    requests.push = (...entries) => {
      const n = push(...entries);
      if (
        !raced &&
        entries.some((e) => e.method === 'PATCH' && e.path.endsWith('/deployments/payments-api'))
      ) {
        raced = true;
        world.kubeSim.setImage('payments', 'payments-api', NEWER, 'deploy 1.6.0');
      }
      return n;
    };
    try {
      await makeExecutor(world).run(incident.id);
    } finally {
      requests.push = push;
    }
    expect(raced).toBe(true);

    const done = await world.repo.require(incident.id);
    expect(done.state).toBe('failed');
    expect(done.execution?.steps.find((s) => s.id === 'undo')?.error?.code).toBe('stale_plan');
    // The PATCH was sent and refused by the server because of the test op.
    const patches = deploymentPatches(world.kubeSim.requests);
    expect(patches).toHaveLength(1);
    expect([409, 422]).toContain(patches[0]!.status);
    expect(
      world.kubeSim.getDeploymentRaw('payments', 'payments-api')!.spec.template.spec.containers[0].image,
    ).toBe(NEWER);
  });

  test('an audit log that cannot be written means no Kubernetes PATCH, and the incident is left for a resume', async () => {
    const incident = await world.approvedIncident({ runbook: fastRunbook(await world.runbook()) });
    const failing = {
      append: async (event: AuditEvent) => {
        if (event.action === 'step.started' && event.details?.['step'] === 'undo') {
          throw new RollbotError(
            'store_unavailable',
            'The audit record for step.started could not be written (Redis down); nothing was done',
          );
        }
        return world.audit.append(event);
      },
      read: world.audit.read.bind(world.audit),
    };
    const out = await makeExecutor(world, { audit: failing }).run(incident.id);

    expect(out).toMatchObject({ status: 'interrupted', reason: 'audit unavailable before step undo' });
    expect(deploymentPatches(world.kubeSim.requests)).toHaveLength(0);
    const left = await world.repo.require(incident.id);
    expect(left.state).toBe('running');
    expect(left.execution?.steps.map((s) => s.status)).toEqual([
      'succeeded',
      'pending',
      'pending',
      'pending',
      'pending',
    ]);
    expect(
      world.logLines.some((l) => l.includes('audit record could not be written') && l.includes(incident.id)),
    ).toBe(true);
    expect(await world.store.getLease('service:payments-api')).toBeNull();

    // Audit back: any replica resumes at the undo and finishes; the announcement is not repeated.
    const resumed = await makeExecutor(world, { instanceId: 'replica-b' }).sweep();
    expect(resumed.started).toEqual([incident.id]);
    await resumed.done;
    const done = await world.repo.require(incident.id);
    expect(done.state).toBe('succeeded');
    expect(done.execution?.resumedCount).toBe(1);
    expect(deploymentPatches(world.kubeSim.requests)).toHaveLength(1);
    expect(world.slackSim.messages('C0PAYMENTS')).toHaveLength(1);
    const actions = (await world.audit.read({ incidentId: incident.id })).map((r) => r.action);
    expect(actions).toContain('execution.resumed');
  });

  test('an audit log that is down from the start leaves the incident approved and untouched', async () => {
    const incident = await world.approvedIncident();
    const down = {
      append: async () => Promise.reject(new RollbotError('store_unavailable', 'audit down')),
      read: async () => [],
    };
    const out = await makeExecutor(world, { audit: down }).run(incident.id);
    expect(out.status).toBe('interrupted');
    expect((await world.repo.require(incident.id)).state).toBe('approved');
    expect(deploymentPatches(world.kubeSim.requests)).toHaveLength(0);
    expect(world.slackSim.messages('C0PAYMENTS')).toHaveLength(0);
  });

  test('a service lease held by another runner refuses the run and names the holder', async () => {
    const incident = await world.approvedIncident();
    await world.store.acquireLease('service:payments-api', 'replica-z:inc-20260101-abcdef', 10_000);
    const out = await makeExecutor(world).run(incident.id);
    expect(out.status).toBe('busy');
    if (out.status !== 'busy') return;
    expect(out.holder.owner).toBe('replica-z:inc-20260101-abcdef');
    expect(out.message).toMatch(/already in progress: held by replica-z \(incident inc-20260101-abcdef\)/);
    expect((await world.repo.require(incident.id)).state).toBe('approved');
    expect(deploymentPatches(world.kubeSim.requests)).toHaveLength(0);
  });

  test('cancel between steps: the run stops before the undo, audited with who cancelled', async () => {
    const incident = await world.approvedIncident({ runbook: fastRunbook(await world.runbook()) });
    // The announcement step asks for the cancel as it finishes: the executor must stop right after it.
    const announceThenCancel: StepImplementation = {
      ...slackNotify,
      run: async (ctx) => {
        const result = await slackNotify.run(ctx);
        await requestStop(world, incident.id, { id: 'U0ALICE', name: 'alice' });
        return result;
      },
    };
    const executor = makeExecutor(world, { steps: createStepRegistry([announceThenCancel]) });
    await executor.run(incident.id);

    const done = await world.repo.require(incident.id);
    expect(done.state).toBe('cancelled');
    expect(done.execution?.steps.map((s) => s.status)).toEqual([
      'succeeded',
      'pending',
      'pending',
      'pending',
      'pending',
    ]);
    expect(deploymentPatches(world.kubeSim.requests)).toHaveLength(0);
    const last = (await world.audit.read({ incidentId: incident.id })).at(-1)!;
    expect(last.action).toBe('rollback.cancelled');
    expect(last.actor).toEqual({ type: 'user', id: 'U0ALICE', name: 'alice' });
    // Closed now: a second stop is refused by the lifecycle table.
    expect(await requestStop(world, incident.id, { id: 'U0ALICE' })).toMatchObject({
      ok: false,
      refusal: { reason: 'not_allowed_now' },
    });
  });

  test('cancel during a read-only step (a long wait) stops it at once', async () => {
    const rb = fastRunbook(await world.runbook());
    rb.steps.splice(1, 0, {
      id: 'settle',
      type: 'wait',
      with: { duration: 60_000 },
      retry: { attempts: 1, backoff: 1000 },
    });
    const incident = await world.approvedIncident({ runbook: rb });
    const executor = makeExecutor(world);
    const run = executor.run(incident.id);
    await waitUntil(
      async () =>
        (await world.repo.require(incident.id)).execution?.steps.find((s) => s.id === 'settle')?.status ===
        'running',
    );
    await requestStop(world, incident.id, { id: 'U0BOB' });
    await run;
    const done = await world.repo.require(incident.id);
    expect(done.state).toBe('cancelled');
    expect(done.execution?.steps.find((s) => s.id === 'settle')?.status).toBe('pending');
    expect(deploymentPatches(world.kubeSim.requests)).toHaveLength(0);
  });

  test('verification that never holds after a good rollout: failed, "the cause may not be this release"', async () => {
    const rb = fastRunbook(await world.runbook());
    (rb.verification[1]!.with as { below?: number }).below = 0.001; // the good image's error ratio is 0.004
    rb.verification[1]!.timeout = 800;
    const incident = await world.approvedIncident({ runbook: rb });
    await makeExecutor(world).run(incident.id);

    const done = await world.repo.require(incident.id);
    expect(done.state).toBe('failed');
    expect(done.execution?.rolloutCompleteAt).toBeDefined();
    expect(done.execution?.failure?.step).toBe('error-ratio');
    expect(done.execution?.failure?.message).toMatch(
      /^metrics did not recover — the cause may not be this release: .* last value 0\.004/,
    );
    expect(done.execution?.failure?.hint).toMatch(
      /^metrics did not recover — the cause may not be this release; check dependencies/,
    );
  });
});

test("an image that never becomes ready: the wait fails at the progress deadline with kubectl's message", async () => {
  world = await startWorld({ progressDeadlineSeconds: 1 });
  world.kubeSim.markImage('registry.example.com/payments-api:1.4.2', 'unready');
  const incident = await world.approvedIncident({ runbook: fastRunbook(await world.runbook()) });
  await makeExecutor(world).run(incident.id);

  const done = await world.repo.require(incident.id);
  expect(done.state).toBe('failed');
  expect(done.execution?.failure).toMatchObject({
    step: 'wait',
    message: 'deployment "payments-api" exceeded its progress deadline',
  });
  expect(done.execution?.failure?.hint).toMatch(/progressDeadlineSeconds \(1s\)/);
  expect(done.execution?.steps.find((s) => s.id === 'healthz')?.status).toBe('pending');
});
