/**
 * Issue 12: alerts no runbook handles go to the fallback channel as one message per alert group,
 * edited as the group changes (a resolved alert shows as resolved, links kept); the webhook answers
 * before Slack is called. Real HTTP webhook, Slack simulator, real Redis.
 */
import { alertmanagerGroup, postAlert } from '../helpers/alerts.js';
import { startBot, type Bot } from '../helpers/bot.js';
import { testRunbooks } from '../helpers/runbooks.js';
import { audited, textOf } from '../helpers/slack-e2e.js';

let bot: Bot;
beforeEach(async () => {
  bot = await startBot({ runbooksDir: await testRunbooks() });
});
afterEach(async () => bot?.close());

const ALERTS = 'C0ALERTS';
const group = (resolved: string[] = []) =>
  alertmanagerGroup(
    ['db-1', 'db-2', 'db-3'].map((instance) => ({
      service: 'inventory',
      namespace: 'shop',
      alertname: 'DiskFull',
      summary: `disk 95% on ${instance}`,
      labels: { instance },
      status: resolved.includes(instance) ? ('resolved' as const) : ('firing' as const),
    })),
    { groupKey: '{}:{alertname="DiskFull"}' },
  );
const messages = () => bot.world.slackSim.messages(ALERTS).filter((m) => !m.threadTs);

test('a group of unrouted alerts is one message, edited when an alert resolves (shown resolved, links kept)', async () => {
  expect((await postAlert(bot, 'alertmanager', group())).status).toBe(200);
  const first = await bot.world.slackSim.waitFor(() => messages()[0], 5000);
  expect(textOf(first)).toMatch(/3 firing\* — /);
  for (const db of ['db-1', 'db-2', 'db-3']) expect(textOf(first)).toContain(`disk 95% on ${db}`);

  // A re-send changes nothing: no second message, no edit.
  expect((await postAlert(bot, 'alertmanager', group())).status).toBe(200);
  await bot.app.idle();
  expect(messages()).toHaveLength(1);
  expect(messages()[0]!.history).toHaveLength(0);

  expect((await postAlert(bot, 'alertmanager', group(['db-2']))).status).toBe(200);
  const edited = await bot.world.slackSim.waitFor(
    () => (/2 firing, 1 resolved/.test(textOf(messages()[0]!)) ? messages()[0] : undefined),
    5000,
  );
  expect(messages()).toHaveLength(1);
  const text = textOf(edited);
  expect(text).toMatch(/:white_check_mark: resolved at <!date\^\d+\^[^|]+\|[^>]+> — \*disk 95% on db-2\*/);
  expect(text).toMatch(
    /resolved at [^\n]+db-2\*\n[^\n]*instance=db-2[^\n]*\n<http:\/\/prometheus\.example\.com[^|]+\|Alert source>/,
  );
  // Audited once per alert, firing or not.
  expect(await audited(bot, 'alert.unrouted')).toHaveLength(3);
});

test('the webhook answers before the fallback channel is posted to', async () => {
  // Slack takes its time (rate limits, a slow API): the post is held for 5 s.
  bot.world.slackSim.faults.add({ method: 'chat.postMessage', delayMs: 5_000 });
  const res = await postAlert(bot, 'alertmanager', group());
  expect(res.status).toBe(200);
  expect(res.json).toMatchObject({ status: 'accepted', alerts: 3 });
  // Answered while the post is still in flight: nothing is in the channel yet.
  expect(messages()).toHaveLength(0);
  const posted = await bot.world.slackSim.waitFor(() => messages()[0], 15_000);
  expect(textOf(posted)).toMatch(/3 firing/);
}, 30_000);
