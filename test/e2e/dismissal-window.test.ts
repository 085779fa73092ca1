/**
 * Issue 12: after a Dismiss, Alertmanager's re-sends of the same alert stay quiet for the runbook's
 * dismissal window (shown on the message); a different alert, or the same one after the window,
 * opens a fresh proposal. Signed Slack clicks, real Redis.
 */
import { alertmanagerGroup, postAlert } from '../helpers/alerts.js';
import { startBot, type Bot } from '../helpers/bot.js';
import { testRunbooks } from '../helpers/runbooks.js';
import { audited, incidentUntil, proposalMessages, textOf } from '../helpers/slack-e2e.js';
import type { Incident } from '../../src/incidents/incident.js';

let bot: Bot;
afterEach(async () => bot?.close());

const group = (alertname = 'HighErrorRate') => alertmanagerGroup([{ service: 'payments-api', alertname }]);
const send = async (body = group()) => expect((await postAlert(bot, 'alertmanager', body)).status).toBe(200);
async function dismiss(i: Incident): Promise<Incident> {
  await bot.world.slackSim
    .as('U0ERIN')
    .clickButton({ channel: i.channel, ts: i.slack!.ts, actionId: 'rollback_dismiss' });
  return incidentUntil(bot, i.id, (x) => x.state === 'dismissed');
}

test('inside the window re-sends stay quiet (audited with the window); a different alert proposes at once', async () => {
  bot = await startBot({ runbooksDir: await testRunbooks() }); // default window: 30 minutes
  await send();
  const first = await bot.waitIncident('payments-api', (i) => Boolean(i.slack?.ts));
  const dismissed = await dismiss(first);
  await bot.world.slackSim.waitFor(
    () =>
      /Re-sends of its alert stay quiet until <!date\^\d+\^\{time\}\|\d\d:\d\d UTC>/.test(
        textOf(bot.world.slackSim.message(first.channel, first.slack!.ts)!),
      ),
    5000,
  );

  await send();
  await send();
  expect(await bot.app.repo.openFor('payments-api')).toBeNull();
  expect(proposalMessages(bot, 'C0PAYMENTS')).toHaveLength(1);
  const quiet = await audited(bot, 'alert.deduplicated', { incidentId: first.id });
  expect(quiet).toHaveLength(2);
  expect(quiet[0]!.details).toMatchObject({ quietUntil: new Date(dismissed.quietUntil!).toISOString() });

  await send(group('PaymentsLatencyHigh'));
  const other = await bot.waitIncident('payments-api', (i) => i.id !== first.id && Boolean(i.slack?.ts));
  expect(other).toMatchObject({ state: 'proposed', alerts: { summary: expect.any(String), count: 1 } });
  expect(other.alerts!.labels['alertname']).toBe('PaymentsLatencyHigh');
});

test('after the window the same alert, still firing, opens a fresh proposal', async () => {
  bot = await startBot({
    runbooksDir: await testRunbooks({ 'payments-api': (rb) => void (rb.approval.dismissalWindow = '1s') }),
  });
  await send();
  const first = await bot.waitIncident('payments-api', (i) => Boolean(i.slack?.ts));
  const dismissed = await dismiss(first);
  while (Date.now() <= dismissed.quietUntil!) await new Promise((r) => setTimeout(r, 50));

  await send();
  const fresh = await bot.waitIncident('payments-api', (i) => i.id !== first.id && Boolean(i.slack?.ts));
  expect(fresh).toMatchObject({ state: 'proposed', origin: 'alert', alerts: { count: 1 } });
  expect(await audited(bot, 'alert.received', { service: 'payments-api' })).toHaveLength(2);
  expect(proposalMessages(bot, 'C0PAYMENTS')).toHaveLength(2);
});
