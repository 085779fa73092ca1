/**
 * Invariant 4 (a crash never strands a rollback) and 2 (exactly one rollback): a replica in a
 * child process is SIGKILLed at each step boundary; another replica resumes once the lease lapses
 * and finishes, and every effect happened once (one undo PATCH, one Slack announcement).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fastRunbook, startWorld, type World } from '../helpers/world.js';
import { deploymentPatches, makeExecutor, waitUntil } from './harness.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORKER = fileURLToPath(new URL('./fixtures/worker.ts', import.meta.url));
// Long enough that a busy machine (event-loop stalls of a second and more at load 20) does not
// lapse the survivor's own lease mid-run; the test waits this out once per case.
const LEASE_TTL_MS = 2000;

let world: World;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  await world.close();
});

function runWorker(
  incidentId: string,
  killAt: string,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      WORKER,
      JSON.stringify({ endpoints: world.endpoints, incidentId, killAt, leaseTtlMs: LEASE_TTL_MS }),
    ],
    {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })));
}

test.each([
  'before:announce',
  'after:announce',
  'before:undo',
  'after:undo',
  'before:wait',
  'after:wait',
  'after:healthz',
  'after:error-ratio',
])(
  'SIGKILL %s: another replica resumes after the lease lapses and every effect happens once',
  async (killAt) => {
    const incident = await world.approvedIncident({ runbook: fastRunbook(await world.runbook()) });
    const crashed = await runWorker(incident.id, killAt);
    expect({ signal: crashed.signal, stderr: crashed.stderr }).toEqual({ signal: 'SIGKILL', stderr: '' });
    const stranded = await world.repo.require(incident.id);
    expect(stranded.state).toBe('running');
    expect(stranded.execution?.owner).toMatch(/^doomed-replica:/);

    const survivor = makeExecutor(world, { instanceId: 'replica-b', leaseTtlMs: LEASE_TTL_MS });
    let started: string[] = [];
    await waitUntil(async () => {
      const sweep = await survivor.sweep();
      started = sweep.started;
      if (started.length) await sweep.done;
      return started.length > 0;
    });
    expect(started).toEqual([incident.id]);

    const done = await world.repo.require(incident.id);
    expect(done.state).toBe('succeeded');
    expect(done.execution?.resumedCount).toBe(1);
    expect(done.execution?.steps.every((s) => s.status === 'succeeded' || s.status === 'skipped')).toBe(true);
    // A step whose effect happened but was not recorded converges on resume instead of repeating.
    const status = (id: string) => done.execution?.steps.find((s) => s.id === id)?.status;
    if (killAt === 'after:undo') expect(status('undo')).toBe('skipped');
    if (killAt === 'after:announce') expect(status('announce')).toBe('skipped');
    expect(deploymentPatches(world.kubeSim.requests)).toHaveLength(1);
    expect(world.slackSim.messages('C0PAYMENTS')).toHaveLength(1);
    expect(
      world.kubeSim.getDeploymentRaw('payments', 'payments-api')!.spec.template.spec.containers[0].image,
    ).toBe('registry.example.com/payments-api:1.4.2');
    const actions = (await world.audit.read({ incidentId: incident.id })).map((r) => r.action);
    expect(actions.filter((a) => a === 'execution.resumed')).toHaveLength(1);
    expect(actions.at(-1)).toBe('rollback.succeeded');
    expect((await world.audit.verify()).ok).toBe(true);
  },
);
