/**
 * Issue 5: `/rollback` end to end — signed slash commands from the Slack simulator to the running
 * bot (real Redis, sandbox cluster). Acks within 3 s; replies are ephemeral (response_url) and
 * name the problem, the valid services and the usage; a request creates the same proposal an
 * alert does (requester recorded and audited) or joins the open incident; status, history, cancel.
 */
import { alertmanagerGroup, postAlert } from '../helpers/alerts.js';
import { startBot, type Bot } from '../helpers/bot.js';
import { testRunbooks } from '../helpers/runbooks.js';
import { audited, cancelViaSlack, proposalMessages, textOf, toldTo, waitTold } from '../helpers/slack-e2e.js';

let bot: Bot;
beforeEach(async () => {
  bot = await startBot({ runbooksDir: await testRunbooks() });
});
afterEach(async () => bot?.close());

/** Types `/rollback <text>` as `user` and returns the reply they were told. */
async function rollback(
  user: string,
  text: string,
  expected: RegExp,
  channel = 'C0PAYMENTS',
): Promise<string> {
  const before = toldTo(bot, user).length;
  const ack = await bot.world.slackSim.as(user).command('/rollback', text, { channel });
  expect(ack.status).toBe(200);
  await bot.world.slackSim.waitFor(() => toldTo(bot, user).length > before, 5000);
  const reply = toldTo(bot, user).slice(before).map(textOf).join('\n');
  expect(reply).toMatch(expected);
  return reply;
}

const SERVICES = /checkout-web.*payments-api|payments-api.*checkout-web/s;

test('bad syntax and unknown services get an ephemeral reply naming the problem, the valid services and the usage', async () => {
  const cases: [string, RegExp][] = [
    ['payments-api tomorrow', /unexpected "tomorrow"/],
    ['payments-api to', /`to` needs a revision number or an image tag/],
    ['payments-api --emergency', /emergency rollback needs a reason/],
    ['history', /`history` needs a service/],
    ['Payments_API', /is not a service name/],
    ['status payments-api checkout-web', /takes one service/],
  ];
  for (const [text, problem] of cases) {
    const reply = await rollback('U0CAROL', text, problem);
    expect(reply).toMatch(SERVICES);
    expect(reply).toMatch(/\/rollback history <service>/);
  }
  for (const text of ['inventory', 'history inventory', 'cancel inventory', 'status inventory']) {
    const reply = await rollback('U0CAROL', text, /Unknown service "inventory"/);
    expect(reply).toMatch(SERVICES);
    expect(reply).toMatch(/\/rollback <service> \[to <revision\|image-tag>\]/);
  }
  // Nothing was proposed, nothing changed, nothing posted in the channel.
  expect(await bot.app.repo.active()).toEqual([]);
  expect(proposalMessages(bot, 'C0PAYMENTS')).toEqual([]);
  // Only replies to CAROL: never in the channel.
  expect(bot.world.slackSim.ephemerals().every((e) => e.user === 'U0CAROL')).toBe(true);
});

test('help lists the grammar and the services; history reads like kubectl rollout history', async () => {
  const help = await rollback('U0CAROL', 'help', /How to use/);
  expect(help).toMatch(SERVICES);
  expect(help).toMatch(/\/rollback cancel <service>/);

  const history = await rollback('U0CAROL', 'history payments-api', /REVISION\s+CHANGE-CAUSE/);
  expect(history).toMatch(/\n1\s+deploy payments-api 1\.4\.1\s+1\.4\.1/);
  expect(history).toMatch(/\n2\s+deploy payments-api 1\.4\.2\s+1\.4\.2/);
  expect(history).toMatch(/\n3\*\s+deploy payments-api 1\.5\.0\s+1\.5\.0/);
});

test('a /rollback creates the proposal an alert would (requester recorded), joins it on repeat, shows in status, and cancel closes it', async () => {
  await rollback('U0ALICE', 'payments-api because error rate 12%', /Posted .* in <#C0PAYMENTS>/);
  const incident = (await bot.app.repo.openFor('payments-api'))!;
  expect(incident).toMatchObject({
    origin: 'command',
    requester: { id: 'U0ALICE' },
    reason: 'error rate 12%',
    channel: 'C0PAYMENTS',
  });
  expect(incident.plan).toMatchObject({ current: { revision: 3 }, target: { revision: 2 } });
  const [message] = proposalMessages(bot, 'C0PAYMENTS');
  expect(textOf(message!)).toMatch(/Requested by <@U0ALICE>.* because error rate 12%/);
  const [requested] = await audited(bot, 'rollback.requested', { incidentId: incident.id });
  expect(requested).toMatchObject({
    actor: { type: 'user', id: 'U0ALICE' },
    details: { reason: 'error rate 12%', from: 3, to: 2 },
  });

  // A second request and an alert for the same service join the open incident.
  await rollback('U0ERIN', 'payments-api', /still waiting for approval/);
  expect(
    (await postAlert(bot, 'alertmanager', alertmanagerGroup([{ service: 'payments-api' }]))).status,
  ).toBe(200);
  expect(proposalMessages(bot, 'C0PAYMENTS')).toHaveLength(1);
  expect((await bot.app.repo.openFor('payments-api'))!).toMatchObject({
    id: incident.id,
    alerts: { count: 1 },
  });

  const status = await rollback('U0CAROL', 'status', /Rollbacks open: 1/);
  expect(status).toMatch(new RegExp(`payments-api\\* — proposed .*requested by <@U0ALICE>.*${incident.id}`));
  await rollback('U0CAROL', 'status checkout-web', /No rollbacks open/);

  expect(await cancelViaSlack(bot, 'U0ERIN', 'payments-api')).toMatch(
    /Cancelled the proposal for payments-api/,
  );
  expect(await bot.app.repo.get(incident.id)).toMatchObject({
    state: 'cancelled',
    closedBy: { id: 'U0ERIN' },
  });
  expect(await audited(bot, 'rollback.cancelled', { incidentId: incident.id })).toEqual([]);
  expect(await audited(bot, 'proposal.cancelled', { incidentId: incident.id })).toMatchObject([
    { actor: { id: 'U0ERIN' }, details: { phase: 'proposal' } },
  ]);
  await rollback('U0CAROL', 'status', /No rollbacks open/);
  await rollback('U0CAROL', 'cancel payments-api', /Nothing to cancel for payments-api/);
  await waitTold(bot, 'U0ALICE', /Posted/);
});
