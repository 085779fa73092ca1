/**
 * The Kubernetes API misbehaving under a real rollback (real Redis, the sandbox's API server with
 * injected faults): 5xx, slow answers, dropped connections, watches that end early, 409 and 403.
 * rollbot retries what is safe, never applies the undo twice, and says exactly what failed.
 */
import { readFile } from 'node:fs/promises';
import { DEFAULT_SCENARIO_PATH } from '@rollbot/sandbox/scenario';
import { parse, stringify } from 'yaml';
import { startBot, type Bot } from '../helpers/bot.js';
import {
  alertApproveFinish,
  channelText,
  imageOf,
  paymentsRunbook,
  runbooksDir,
  undoPatches,
} from './harness.js';

const GOOD = 'registry.example.com/payments-api:1.4.2';
const BAD = 'registry.example.com/payments-api:1.5.0';
const DEPLOYMENT_PATH = '/apis/apps/v1/namespaces/payments/deployments/payments-api';

let bot: Bot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

async function start(runbook = paymentsRunbook(), scenarioYaml?: string, stepMs = 20) {
  bot = await startBot({ runbooksDir: await runbooksDir([runbook]), scenarioYaml, stepMs });
  return bot;
}

describe('Kubernetes API faults during a rollback', () => {
  test('5xx on the undo PATCH: retried with backoff, exactly one PATCH applied, rollback succeeds', async () => {
    const b = await start(paymentsRunbook({ undoRetry: { attempts: 4, backoff: '100ms' } }));
    b.world.kubeSim.faults.add({ method: 'PATCH', pathPattern: DEPLOYMENT_PATH, status: 503, times: 2 });
    const { done } = await alertApproveFinish(b);
    expect(done.state).toBe('succeeded');
    const { all, applied } = undoPatches(b.world);
    expect(all.map((r) => r.status)).toEqual([503, 503, 200]);
    expect(applied).toHaveLength(1);
    expect(done.execution!.steps.find((s) => s.id === 'undo')).toMatchObject({
      status: 'succeeded',
      attempts: 3,
    });
    expect(imageOf(b.world, 'payments', 'payments-api')).toBe(GOOD);
    // slack.notify is not idempotent: posted once although the run retried a later step.
    expect(
      b.world.slackSim
        .replies('C0PAYMENTS', done.slack!.ts)
        .filter((m) => m.text.startsWith('Rolling back payments-api')),
    ).toHaveLength(1);
  });

  test('5xx on the undo PATCH without a retry in the runbook: fails, nothing applied, the operator reads which call failed', async () => {
    const b = await start();
    b.world.kubeSim.faults.add({ method: 'PATCH', pathPattern: DEPLOYMENT_PATH, status: 500, times: 1 });
    const { done } = await alertApproveFinish(b);
    expect(done.state).toBe('failed');
    expect(undoPatches(b.world).applied).toHaveLength(0);
    expect(imageOf(b.world, 'payments', 'payments-api')).toBe(BAD);
    const failure = done.execution!.failure!;
    expect(failure.step).toBe('undo');
    expect(failure.message).toMatch(
      /Kubernetes API failed to patch deployments\.apps "payments-api" in namespace "payments"/,
    );
    expect(channelText(b, 'C0PAYMENTS')).toContain('failed to patch deployments.apps');
  });

  test('5xx on the reads (GET Deployment, list ReplicaSets): retried where safe, the rollback succeeds', async () => {
    const b = await start();
    const { proposed } = await (async () => {
      await b.fireAlert();
      return { proposed: await b.waitIncident('payments-api', (i) => Boolean(i.slack?.ts)) };
    })();
    // From here on, the first reads of the undo step fail once each (no retry in the runbook).
    b.world.kubeSim.faults.add({
      method: 'GET',
      pathPattern: '/namespaces/payments/replicasets',
      status: 502,
      times: 1,
    });
    b.world.kubeSim.faults.add({ method: 'GET', pathPattern: DEPLOYMENT_PATH, status: 503, times: 1 });
    await b.world.slackSim
      .as('U0BOB')
      .clickButton({ channel: 'C0PAYMENTS', ts: proposed.slack!.ts, actionId: 'rollback_approve' });
    const done = await b.waitIncident(
      'payments-api',
      (i) => i.state === 'succeeded' || i.state === 'failed',
      20_000,
    );
    expect(done.execution?.failure).toBeUndefined();
    expect(done.state).toBe('succeeded');
    expect(undoPatches(b.world).applied).toHaveLength(1);
    const failedReads = b.world.kubeSim.requests.filter((r) => r.method === 'GET' && (r.status ?? 0) >= 500);
    expect(failedReads.length).toBe(2);
  });

  test('slow answers and a dropped connection on the PATCH: one PATCH applied, rollback succeeds', async () => {
    const b = await start(paymentsRunbook({ undoRetry: { attempts: 3, backoff: '100ms' } }));
    b.world.kubeSim.faults.add({ method: 'GET', pathPattern: DEPLOYMENT_PATH, delayMs: 400, times: 3 });
    b.world.kubeSim.faults.add({
      method: 'PATCH',
      pathPattern: DEPLOYMENT_PATH,
      dropConnection: true,
      times: 1,
    });
    b.world.kubeSim.faults.add({ method: 'PATCH', pathPattern: DEPLOYMENT_PATH, delayMs: 600, times: 1 });
    const { done } = await alertApproveFinish(b);
    expect(done.state).toBe('succeeded');
    const { all, applied } = undoPatches(b.world);
    expect(all).toHaveLength(2); // the dropped one (never answered, never applied) and the slow one
    expect(all[0]!.status).toBeUndefined();
    expect(applied).toHaveLength(1);
    expect(imageOf(b.world, 'payments', 'payments-api')).toBe(GOOD);
  });

  test('watch streams that end early or fail: re-established until the rollout is judged', async () => {
    const b = await start(paymentsRunbook(), undefined, 150); // a rollout of ~1 s, so the watch matters
    // The first watch ends after 30 ms, the next two answer 500; then watches are served normally.
    b.world.kubeSim.faults.add({ pathPattern: /watch=true/, endWatchAfterMs: 30, times: 1 });
    b.world.kubeSim.faults.add({ method: 'GET', pathPattern: /watch=true/, status: 500, times: 2 });
    const { done } = await alertApproveFinish(b);
    expect(done.state).toBe('succeeded');
    const watches = b.world.kubeSim.requests.filter((r) => r.query['watch'] === 'true');
    expect(watches.length).toBeGreaterThanOrEqual(4);
    expect(watches.slice(1, 3).map((w) => w.status)).toEqual([500, 500]);
    // re-established from the last resourceVersion seen, not from scratch
    expect(watches[3]!.query['resourceVersion']).toBeDefined();
    expect(done.execution!.steps.find((s) => s.id === 'wait')).toMatchObject({
      status: 'succeeded',
      attempts: 1,
    });
    expect(undoPatches(b.world).applied).toHaveLength(1);
  });

  test('409 Conflict on the undo PATCH: not blindly repeated; the failure names the conflict and the object', async () => {
    const b = await start(paymentsRunbook({ undoRetry: { attempts: 3, backoff: '100ms' } }));
    b.world.kubeSim.faults.add({ method: 'PATCH', pathPattern: DEPLOYMENT_PATH, status: 409, times: 1 });
    const { done } = await alertApproveFinish(b);
    expect(done.state).toBe('failed');
    expect(undoPatches(b.world).all).toHaveLength(1);
    expect(undoPatches(b.world).applied).toHaveLength(0);
    expect(done.execution!.failure!.message).toMatch(
      /conflict on patch deployments\.apps "payments-api" in namespace "payments"/,
    );
    expect(imageOf(b.world, 'payments', 'payments-api')).toBe(BAD);
  });

  test('403 Forbidden (RBAC without patch): the failure names the verb, the resource and the namespace', async () => {
    const scenario = parse(await readFile(DEFAULT_SCENARIO_PATH, 'utf8'));
    scenario.cluster.rbac = {
      user: 'system:serviceaccount:rollbot:rollbot',
      rules: [
        {
          verbs: ['get', 'list', 'watch'],
          resources: ['deployments', 'replicasets', 'pods'],
          namespaces: ['payments'],
        },
      ],
    };
    const b = await start(paymentsRunbook(), stringify(scenario));
    const { done } = await alertApproveFinish(b);
    expect(done.state).toBe('failed');
    const forbidden = b.world.kubeSim.requests.filter((r) => r.status === 403);
    expect(forbidden).toHaveLength(1); // a refusal is not retried
    expect(undoPatches(b.world).applied).toHaveLength(0);
    const failure = done.execution!.failure!;
    expect(failure.message).toMatch(
      /system:serviceaccount:rollbot:rollbot may not patch deployments\.apps in namespace "payments"/,
    );
    expect(failure.hint).toMatch(/kubectl auth can-i patch deployments\.apps -n payments/);
    const shown = channelText(b, 'C0PAYMENTS');
    expect(shown).toContain('may not patch deployments.apps in namespace \\"payments\\"');
  });
});
