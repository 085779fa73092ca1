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
import { audited, buttonsOf, proposalMessages, textOf, waitTold } from '../helpers/slack-e2e.js';

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

test('`/rollback … to <revision>` naming a pruned revision is answered privately, naming what can be rolled back to; nothing is proposed', async () => {
  bot = await botWithHistoryLimit(1);
  await bot.world.slackSim.as('U0ALICE').command('/rollback', 'payments-api to 1', { channel: 'C0PAYMENTS' });
  const reply = await waitTold(bot, 'U0ALICE', /Cannot roll back payments-api to revision 1/);
  expect(reply).toMatch(/no ReplicaSet has revision 1 any more: it was pruned .*\(revisionHistoryLimit: 1\)/);
  expect(reply).toMatch(/Nothing was proposed/);
  expect(reply).toMatch(/`\/rollback payments-api to 2` — revision 2 \(1\.4\.2\)/);
  expect(await bot.app.repo.openFor('payments-api')).toBeNull();
  expect(proposalMessages(bot, 'C0PAYMENTS')).toEqual([]);
  const [refused] = await audited(bot, 'request.refused', { service: 'payments-api' });
  expect(refused).toMatchObject({ actor: { id: 'U0ALICE' }, details: { reason: 'no_target', choices: [2] } });

  // It never blocks the service: an alert proposes as usual, with Approve.
  expect(
    (await postAlert(bot, 'alertmanager', alertmanagerGroup([{ service: 'payments-api' }]))).status,
  ).toBe(200);
  const previous = await bot.waitIncident('payments-api', (i) => Boolean(i.slack?.ts));
  expect(previous.plan.target).toMatchObject({
    revision: 2,
    images: ['registry.example.com/payments-api:1.4.2'],
  });
  expect(buttonsOf(proposalMessages(bot, 'C0PAYMENTS')[0]!)).toEqual([
    'rollback_approve',
    'rollback_dismiss',
  ]);
});
