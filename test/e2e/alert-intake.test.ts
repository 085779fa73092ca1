/**
 * Issue 4: real-shaped Alertmanager and Grafana payloads against the running bot (real Redis,
 * sandbox world) give exactly one proposal per service with the right plan; re-sends only bump
 * counters; a burst becomes one proposal with a count; resolves update the proposal; unrouted
 * alerts are audited and noted in the fallback channel.
 */
import { alertmanagerGroup, grafanaGroup, postAlert } from '../helpers/alerts.js';
import { startBot, type Bot } from '../helpers/bot.js';
import { testRunbooks } from '../helpers/runbooks.js';
import { audited, buttonsOf, proposalMessages, textOf, waitMessage } from '../helpers/slack-e2e.js';

let runbooksDir: string;
let bot: Bot;
beforeAll(async () => {
  runbooksDir = await testRunbooks();
});
beforeEach(async () => {
  bot = await startBot({ runbooksDir });
});
afterEach(async () => bot?.close());

const open = (service: string) => bot.app.repo.openFor(service);

test('a mixed Alertmanager group for two services gives one proposal per service and channel, with the right plans; 10 re-sends change only counters', async () => {
  const group = alertmanagerGroup([
    { service: 'payments-api' },
    { service: 'payments-api', status: 'resolved', labels: { pod: 'payments-api-old' } },
    { service: 'checkout-web' },
  ]);
  expect(group.alerts.some((a: any) => a.endsAt === '0001-01-01T00:00:00Z')).toBe(true);
  expect(group).toHaveProperty('notification_reason');

  const first = await postAlert(bot, 'alertmanager', group);
  expect(first.status).toBe(200);

  const payments = (await open('payments-api'))!;
  const checkout = (await open('checkout-web'))!;
  expect(payments.channel).toBe('C0PAYMENTS');
  expect(checkout.channel).toBe('C0CHECKOUT');
  expect(payments.plan).toMatchObject({
    namespace: 'payments',
    deployment: 'payments-api',
    current: { revision: 3, images: ['registry.example.com/payments-api:1.5.0'] },
    target: { revision: 2, images: ['registry.example.com/payments-api:1.4.2'] },
  });
  expect(checkout.plan).toMatchObject({
    namespace: 'checkout',
    current: { revision: 2, images: ['registry.example.com/checkout-web:2.1.0'] },
    target: { revision: 1, images: ['registry.example.com/checkout-web:2.0.0'] },
  });
  expect(payments.alerts).toMatchObject({ count: 1, firing: 1, deliveries: 1 });
  expect(proposalMessages(bot, 'C0PAYMENTS')).toHaveLength(1);
  expect(proposalMessages(bot, 'C0CHECKOUT')).toHaveLength(1);
  const message = proposalMessages(bot, 'C0PAYMENTS')[0]!;
  expect(message.ts).toBe(payments.slack!.ts);
  expect(buttonsOf(message)).toEqual(['rollback_approve', 'rollback_dismiss']);
  expect(textOf(message)).toContain('1.4.2');

  for (let i = 0; i < 10; i++) expect((await postAlert(bot, 'alertmanager', group)).status).toBe(200);

  const after = (await open('payments-api'))!;
  const { alerts: a1, updatedAt: _u1, ...restAfter } = after;
  const { alerts: a0, updatedAt: _u0, ...restBefore } = payments;
  expect(restAfter).toEqual(restBefore);
  expect(a1).toEqual({ ...a0, deliveries: 11, lastAt: a1!.lastAt });
  expect((await open('checkout-web'))!.alerts).toMatchObject({ count: 1, deliveries: 11 });
  expect(proposalMessages(bot, 'C0PAYMENTS')).toHaveLength(1);
  expect(proposalMessages(bot, 'C0CHECKOUT')).toHaveLength(1);
  expect(await bot.app.repo.active()).toHaveLength(2);
  expect(await audited(bot, 'proposal.posted')).toHaveLength(2);
  expect(await audited(bot, 'alert.received')).toHaveLength(2);
  expect(await audited(bot, 'alert.deduplicated', { service: 'payments-api' })).toHaveLength(10);
});

test('a burst of different alerts for one service is one proposal with a count', async () => {
  const names = ['HighErrorRate', 'HighLatency', 'PodCrashLooping', 'SaturationHigh', 'ErrorBudgetBurn'];
  const replies = await Promise.all(
    names.map((alertname) =>
      postAlert(bot, 'alertmanager', alertmanagerGroup([{ service: 'payments-api', alertname }])),
    ),
  );
  expect(replies.map((r) => r.status)).toEqual(names.map(() => 200));

  await bot.world.slackSim.waitFor(
    () => proposalMessages(bot, 'C0PAYMENTS').find((m) => /5 alerts firing/.test(textOf(m))),
    5000,
  );
  const incident = (await open('payments-api'))!;
  expect(incident.alerts).toMatchObject({ count: 5, firing: 5 });
  expect(proposalMessages(bot, 'C0PAYMENTS')).toHaveLength(1);
  expect(await bot.app.repo.active()).toHaveLength(1);
  // One proposal, so one proposal record: the losers of the race joined instead.
  expect((await audited(bot, 'proposal.posted')).map((r) => r.incidentId)).toEqual([incident.id]);
});

test('a resolved alert updates the proposal ("resolved at"); Approve stays when the runbook keeps it', async () => {
  const firing = alertmanagerGroup([{ service: 'payments-api' }]);
  expect((await postAlert(bot, 'alertmanager', firing)).status).toBe(200);
  const incident = (await open('payments-api'))!;

  const resolved = alertmanagerGroup([
    { service: 'payments-api', status: 'resolved', endsAt: '2026-11-23T10:20:00Z' },
  ]);
  expect((await postAlert(bot, 'alertmanager', resolved)).status).toBe(200);
  expect((await postAlert(bot, 'alertmanager', resolved)).status).toBe(200); // resolves repeat too

  const updated = await bot.world.slackSim.waitFor(
    () =>
      bot.world.slackSim.message('C0PAYMENTS', incident.slack!.ts)!.history.length > 0 &&
      bot.world.slackSim.message('C0PAYMENTS', incident.slack!.ts),
    5000,
  );
  expect(textOf(updated)).toMatch(/resolved at/);
  expect(buttonsOf(updated)).toContain('rollback_approve');
  const after = (await bot.app.repo.get(incident.id))!;
  expect(after.state).toBe('proposed');
  expect(after.alerts).toMatchObject({ firing: 0, resolvedAt: Date.parse('2026-11-23T10:20:00Z') });
  expect(await audited(bot, 'alert.resolved', { incidentId: incident.id })).toHaveLength(1);
});

test('Grafana unified-alerting payloads (bearer token) propose like Alertmanager ones, with the dashboard link', async () => {
  const group = grafanaGroup([
    { service: 'checkout-web' },
    { service: 'checkout-web', status: 'resolved', labels: { region: 'eu' } },
  ]);
  const res = await postAlert(bot, 'grafana', group);
  expect(res.status).toBe(200);
  const incident = (await open('checkout-web'))!;
  expect(incident.plan).toMatchObject({ current: { revision: 2 }, target: { revision: 1 } });
  expect(incident.alerts?.links.dashboardURL).toMatch(/^https:\/\/grafana\.example\.com\/d\//);
  const [message] = proposalMessages(bot, 'C0CHECKOUT');
  expect(textOf(message!)).toContain('Dashboard');
  for (let i = 0; i < 3; i++) expect((await postAlert(bot, 'grafana', group)).status).toBe(200);
  expect(proposalMessages(bot, 'C0CHECKOUT')).toHaveLength(1);
  expect((await open('checkout-web'))!.alerts).toMatchObject({ count: 1, deliveries: 4 });

  const wrongToken = await fetch(`${bot.url}/webhooks/grafana`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${bot.world.secrets.alertmanagerToken}`,
    },
    body: JSON.stringify(group),
  });
  expect(wrongToken.status).toBe(401);
});

test('an alert no runbook matches is audited and noted once in the fallback channel', async () => {
  const group = alertmanagerGroup([
    { service: 'inventory', namespace: 'shop', summary: 'inventory queue backed up' },
  ]);
  expect((await postAlert(bot, 'alertmanager', group)).status).toBe(200);
  expect((await postAlert(bot, 'alertmanager', group)).status).toBe(200);

  const note = await waitMessage(bot, 'C0ALERTS', /inventory queue backed up/);
  expect(textOf(note)).toMatch(/service=inventory/);
  expect(bot.world.slackSim.messages('C0ALERTS')).toHaveLength(1);
  const records = await audited(bot, 'alert.unrouted');
  expect(records).toHaveLength(1);
  expect(records[0]!.details).toMatchObject({ labels: { service: 'inventory' } });
  expect(typeof records[0]!.details.reason).toBe('string');
  expect(await bot.app.repo.active()).toHaveLength(0);
});
