/**
 * Issue 4: when the revision a rollback would restore was pruned from the Deployment's history
 * (revisionHistoryLimit), the proposal says so and offers no Approve — only Dismiss.
 * The simulator prunes like the Deployment controller: it keeps `revisionHistoryLimit` old
 * ReplicaSets, so 3 revisions with limit 0 leave only the current one, and with limit 1 keep
 * revision 2 but not revision 1.
 */
import { alertmanagerGroup, postAlert } from '../helpers/alerts.js';
import { startBot, type Bot } from '../helpers/bot.js';
import { testRunbooks } from '../helpers/runbooks.js';
import { deployment, scenarioYaml } from '../helpers/scenario.js';
import { buttonsOf, incidentUntil, proposalMessages, textOf, waitTold } from '../helpers/slack-e2e.js';

async function botWithHistoryLimit(limit: number): Promise<Bot> {
  return startBot({
    runbooksDir: await testRunbooks(),
    scenarioYaml: await scenarioYaml(
      (s) => void (deployment(s, 'payments-api').revisionHistoryLimit = limit),
    ),
  });
}

let bot: Bot;
afterEach(async () => bot?.close());

test('an alert for a Deployment whose previous revision was pruned gets a proposal that says so, without Approve', async () => {
  bot = await botWithHistoryLimit(0);
  expect(
    (await postAlert(bot, 'alertmanager', alertmanagerGroup([{ service: 'payments-api' }]))).status,
  ).toBe(200);
  const incident = (await bot.app.repo.openFor('payments-api'))!;
  expect(incident.plan.current.revision).toBe(3);
  expect(incident.plan.target).toBeNull();
  const [message] = proposalMessages(bot, 'C0PAYMENTS');
  expect(textOf(message!)).toMatch(/revision 2 .*pruned/);
  expect(buttonsOf(message!)).toEqual(['rollback_dismiss']);
});

test('`/rollback … to <revision>` naming a pruned revision says so, without Approve; the previous one is still offered', async () => {
  bot = await botWithHistoryLimit(1);
  await bot.world.slackSim.as('U0ALICE').command('/rollback', 'payments-api to 1', { channel: 'C0PAYMENTS' });
  const pruned = await bot.waitIncident('payments-api', (i) => Boolean(i.slack?.ts));
  expect(pruned.plan.target).toBeNull();
  const [message] = proposalMessages(bot, 'C0PAYMENTS');
  expect(textOf(message!)).toMatch(/revision 1 .*pruned/);
  expect(buttonsOf(message!)).toEqual(['rollback_dismiss']);
  await waitTold(bot, 'U0ALICE', /Posted/);

  await bot.world.slackSim
    .as('U0ALICE')
    .clickButton({ channel: 'C0PAYMENTS', ts: pruned.slack!.ts, actionId: 'rollback_dismiss' });
  await incidentUntil(bot, pruned.id, (i) => i.state === 'dismissed');
  await bot.world.slackSim.as('U0ALICE').command('/rollback', 'payments-api', { channel: 'C0PAYMENTS' });
  const previous = await bot.waitIncident('payments-api', (i) => i.id !== pruned.id && Boolean(i.slack?.ts));
  expect(previous.plan.target).toMatchObject({
    revision: 2,
    images: ['registry.example.com/payments-api:1.4.2'],
  });
});
