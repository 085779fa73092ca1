/**
 * Issue 12: a Slack retry (`X-Slack-Retry-Num`, the same body re-signed) and a byte-identical
 * replay of a signed request within its 5-minute window have at most one effect, whichever replica
 * they reach. Two bot instances on one Redis, the signed Slack path.
 */
import { startBot, type Bot } from '../helpers/bot.js';
import { testRunbooks } from '../helpers/runbooks.js';
import { audited, incidentUntil, proposalMessages, textOf, toldTo } from '../helpers/slack-e2e.js';

let bot: Bot;
beforeEach(async () => {
  bot = await startBot({ instances: 2, runbooksDir: await testRunbooks() });
});
afterEach(async () => bot?.close());

/** Points the simulated Slack at instance `i` (replicas behind one request URL). */
const at = (i: number) => bot.world.slackSim.setEventsUrl(`${bot.urls[i]}/slack/events`);

test('a /rollback retried by Slack and replayed byte for byte, on both replicas, proposes once and answers once', async () => {
  const alice = bot.world.slackSim.as('U0ALICE');
  at(0);
  const first = await alice.command('/rollback', 'payments-api because errors', { channel: 'C0PAYMENTS' });
  expect(first.status).toBe(200);
  const again = [];
  for (const [i, as] of [
    [1, 'slack-retry'],
    [0, 'slack-retry'],
    [1, 'replay'],
    [0, 'replay'],
  ] as const) {
    at(i);
    again.push(await alice.redeliver(first, { as, retryNum: 1 }));
  }
  // Acknowledged (Slack stops retrying) with an empty body: nothing is shown, nothing happens.
  expect(again.map((r) => [r.status, r.body])).toEqual(again.map(() => [200, '']));
  await Promise.all(bot.apps.map((a) => a.idle()));

  const incident = await bot.waitIncident('payments-api', (i) => Boolean(i.slack?.ts));
  expect(proposalMessages(bot, 'C0PAYMENTS')).toHaveLength(1);
  expect(await audited(bot, 'rollback.requested')).toHaveLength(1);
  expect(toldTo(bot, 'U0ALICE').filter((e) => /Posted/.test(textOf(e)))).toHaveLength(1);
  expect(incident.reason).toBe('errors');
  // A request of its own (a new trigger_id) is a new request, not a replay.
  at(1);
  await alice.command('/rollback', 'payments-api', { channel: 'C0PAYMENTS' });
  await bot.world.slackSim.waitFor(
    () => toldTo(bot, 'U0ALICE').some((e) => /still waiting for approval/.test(textOf(e))),
    5000,
  );
});

test('an Approve click retried and replayed on both replicas approves once, runs once, and records no phantom refusals', async () => {
  at(0);
  await bot.world.slackSim.as('U0CAROL').command('/rollback', 'payments-api', { channel: 'C0PAYMENTS' });
  const incident = await bot.waitIncident('payments-api', (i) => Boolean(i.slack?.ts));
  const bob = bot.world.slackSim.as('U0BOB');
  const click = await bob.clickButton({
    channel: 'C0PAYMENTS',
    ts: incident.slack!.ts,
    actionId: 'rollback_approve',
  });
  for (const [i, as] of [
    [1, 'replay'],
    [0, 'slack-retry'],
    [1, 'slack-retry'],
  ] as const) {
    at(i);
    expect((await bob.redeliver(click, { as, retryNum: 2, retryReason: 'http_error' })).status).toBe(200);
  }
  const done = await incidentUntil(
    bot,
    incident.id,
    (i) => ['succeeded', 'failed'].includes(i.state),
    20_000,
  );
  expect(done.state).toBe('succeeded');
  expect(done.approvals.map((a) => a.id)).toEqual(['U0BOB']);
  expect(await audited(bot, 'approval.granted', { incidentId: incident.id })).toHaveLength(1);
  expect(await audited(bot, 'execution.started', { incidentId: incident.id })).toHaveLength(1);
  expect(await audited(bot, 'approval.refused', { incidentId: incident.id })).toHaveLength(0);
  expect(
    bot.world.kubeSim.requests.filter(
      (r) =>
        r.method === 'PATCH' && r.path.endsWith('/deployments/payments-api') && !r.path.includes('dryRun'),
    ),
  ).toHaveLength(1);
  expect(
    bot.logs.some((l) => l.includes('already handled (retry or replay)') && l.includes('"retryNum":"2"')),
  ).toBe(true);
});
