/**
 * Issue 5 / invariant 2: exactly one rollback per approval. 50 concurrent signed Approve clicks
 * from three approvers, spread by a round-robin front over two bot instances sharing one Redis,
 * give one approval, one execution (one undo PATCH, one execution.started) and 49 clear
 * "already approved by … at …" refusals, each audited. Slack retrying a click has no effect.
 */
import { alertmanagerGroup, postAlert } from '../helpers/alerts.js';
import { startBot, type Bot } from '../helpers/bot.js';
import { testRunbooks } from '../helpers/runbooks.js';
import {
  audited,
  incidentUntil,
  resendClick,
  roundRobin,
  textOf,
  waitAudited,
} from '../helpers/slack-e2e.js';

let bot: Bot;
let front: Awaited<ReturnType<typeof roundRobin>>;
beforeAll(async () => {
  bot = await startBot({ instances: 2, runbooksDir: await testRunbooks() });
  front = await roundRobin(bot.urls);
  bot.world.slackSim.setEventsUrl(`${front.url}/slack/events`);
});
afterAll(async () => {
  await front?.close();
  await bot?.close();
});

const undoPatches = () =>
  bot.world.kubeSim.requests.filter(
    (r) => r.method === 'PATCH' && r.path.includes('/deployments/payments-api') && !r.path.includes('dryRun'),
  );

test('50 concurrent Approve clicks on two instances: one approval, one rollback, 49 "already approved" refusals', async () => {
  expect(
    (await postAlert(bot, 'alertmanager', alertmanagerGroup([{ service: 'payments-api' }]), 1)).status,
  ).toBe(200);
  const incident = await bot.waitIncident('payments-api', (i) => Boolean(i.slack?.ts));
  const approvers = ['U0BOB', 'U0ALICE', 'U0ERIN'];

  const clicks = await Promise.all(
    Array.from({ length: 50 }, (_, n) =>
      bot.world.slackSim
        .as(approvers[n % approvers.length]!)
        .clickButton({ channel: 'C0PAYMENTS', ts: incident.slack!.ts, actionId: 'rollback_approve' }),
    ),
  );
  // Every click acknowledged (within the bot's ack deadline; how fast is benchmark 3's business).
  expect(clicks.map((c) => c.status)).toEqual(clicks.map(() => 200));
  expect(front.hits).toEqual([25, 25]);

  const done = await incidentUntil(
    bot,
    incident.id,
    (i) => i.state === 'succeeded' || i.state === 'failed',
    20_000,
  );
  expect(done.state).toBe('succeeded');
  expect(done.approvals).toHaveLength(1);
  const winner = done.approvals[0]!;

  expect(await audited(bot, 'approval.granted', { incidentId: incident.id })).toHaveLength(1);
  expect(await audited(bot, 'execution.started', { incidentId: incident.id })).toHaveLength(1);
  expect(undoPatches()).toHaveLength(1);

  // 49 refusals, each told to the person who clicked (via response_url) and on the record.
  const refusals = await waitAudited(bot, 'approval.refused', 49, { incidentId: incident.id });
  expect(refusals).toHaveLength(49);
  const told = await bot.world.slackSim.waitFor(() => {
    const replies = bot.world.slackSim.responses().filter((r) => r.kind === 'actions');
    return replies.length >= 49 && replies;
  }, 10_000);
  expect(told).toHaveLength(49);
  const when = new Date(done.approvedAt!).toISOString().slice(11, 19);
  for (const r of told)
    expect(textOf(r.body as { text: string })).toContain(
      `Already approved by <@${winner.id}> at ${when} UTC`,
    );
  for (const r of refusals)
    expect(String(r.details.message)).toContain(`Already approved by <@${winner.id}>`);
});

test('Slack retrying the same click (same payload, either instance) approves once and runs once', async () => {
  bot.world.kubeSim.clearRequests();
  await bot.world.slackSim.as('U0ALICE').command('/rollback', 'checkout-web', { channel: 'C0CHECKOUT' });
  const incident = await bot.waitIncident('checkout-web', (i) => Boolean(i.slack?.ts));
  const first = await bot.world.slackSim
    .as('U0BOB')
    .clickButton({ channel: 'C0CHECKOUT', ts: incident.slack!.ts, actionId: 'rollback_approve' });
  const second = await bot.world.slackSim
    .as('U0ERIN')
    .clickButton({ channel: 'C0CHECKOUT', ts: incident.slack!.ts, actionId: 'rollback_approve' });
  // Retries of both (x-slack-retry-num is for events; interactions are retried by users) to both instances.
  const retries = await Promise.all(
    [0, 1, 0, 1].map((instance, n) => resendClick(bot, (n % 2 ? second : first).payload, { instance })),
  );
  expect(retries).toEqual([200, 200, 200, 200]);

  const done = await incidentUntil(
    bot,
    incident.id,
    (i) => i.state === 'succeeded' || i.state === 'failed',
    20_000,
  );
  expect(done.approvals.map((a) => a.id).sort()).toEqual(['U0BOB', 'U0ERIN']);
  expect(await audited(bot, 'approval.granted', { incidentId: incident.id })).toHaveLength(2);
  expect(await audited(bot, 'execution.started', { incidentId: incident.id })).toHaveLength(1);
  expect(
    bot.world.kubeSim.requests.filter(
      (r) =>
        r.method === 'PATCH' && r.path.includes('/deployments/checkout-web') && !r.path.includes('dryRun'),
    ),
  ).toHaveLength(1);
  // The re-sent bodies are the same requests: acknowledged, with no effect at all (http/slack-replays.ts).
  await Promise.all(bot.apps.map((a) => a.idle()));
  expect(await audited(bot, 'approval.refused', { incidentId: incident.id })).toHaveLength(0);
});
