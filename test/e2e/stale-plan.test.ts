/**
 * Issue 5 / invariant 5: the plan that was approved is the plan that runs. A deploy between the
 * proposal and the approval makes the approval refused as stale (told and audited), the old
 * proposal retired, and a fresh proposal — planned from the Deployment as it is now — posted.
 */
import { alertmanagerGroup, postAlert } from '../helpers/alerts.js';
import { startBot, type Bot } from '../helpers/bot.js';
import { testRunbooks } from '../helpers/runbooks.js';
import {
  buttonsOf,
  textOf,
  incidentUntil,
  proposalMessages,
  waitAudited,
  waitTold,
} from '../helpers/slack-e2e.js';

let bot: Bot;
beforeAll(async () => {
  bot = await startBot({ runbooksDir: await testRunbooks() });
});
afterAll(async () => bot?.close());

test('a deploy after the proposal makes the approval stale: refused with a message, and a fresh proposal is posted', async () => {
  expect(
    (await postAlert(bot, 'alertmanager', alertmanagerGroup([{ service: 'payments-api' }]))).status,
  ).toBe(200);
  const old = await bot.waitIncident('payments-api', (i) => Boolean(i.slack?.ts));
  expect(old.plan).toMatchObject({ current: { revision: 3 }, target: { revision: 2 } });

  bot.world.kubeSim.setImage(
    'payments',
    'payments-api',
    'registry.example.com/payments-api:1.5.1',
    'deploy payments-api 1.5.1',
  );
  await bot.world.slackSim
    .as('U0BOB')
    .clickButton({ channel: 'C0PAYMENTS', ts: old.slack!.ts, actionId: 'rollback_approve' });

  await waitTold(
    bot,
    'U0BOB',
    /The plan is stale: payments\/payments-api moved from revision 3 to 4 since the proposal.*fresh proposal/s,
  );
  const [refusal] = await waitAudited(bot, 'approval.refused', 1, { incidentId: old.id });
  expect(refusal).toMatchObject({ actor: { id: 'U0BOB' }, details: { reason: 'stale_plan' } });

  const retired = await incidentUntil(bot, old.id, (i) => Boolean(i.supersededBy));
  expect(retired.state).toBe('superseded');
  const fresh = await incidentUntil(bot, retired.supersededBy!, (i) => Boolean(i.slack?.ts));
  expect(fresh).toMatchObject({ state: 'proposed', alerts: { count: 1 } });
  // Never back to the release that paged: 1.5.0 was live when the alert fired, so the fresh plan
  // passes over it (revision 3) and targets the newest revision that is not suspect.
  expect(fresh.plan).toMatchObject({
    current: { revision: 4, images: ['registry.example.com/payments-api:1.5.1'] },
    target: { revision: 2, images: ['registry.example.com/payments-api:1.4.2'] },
    skippedSuspects: [{ revision: 3, suspect: { alert: 'HighErrorRate' } }],
  });
  expect(proposalMessages(bot, 'C0PAYMENTS').map((m) => m.ts)).toEqual([old.slack!.ts, fresh.slack!.ts]);
  expect(textOf(bot.world.slackSim.message('C0PAYMENTS', fresh.slack!.ts)!)).toMatch(
    /Passed over revision 3 \(1\.5\.0\): suspect, it was live when \*HighErrorRate\* fired at <!date\^/,
  );
  // The old message's edit goes through the paced edit lane: wait for it rather than race it.
  await bot.world.slackSim
    .waitFor(
      () => !buttonsOf(bot.world.slackSim.message('C0PAYMENTS', old.slack!.ts)!).includes('rollback_approve'),
      15_000,
    )
    .catch(() => undefined);
  expect(buttonsOf(bot.world.slackSim.message('C0PAYMENTS', old.slack!.ts)!)).not.toContain(
    'rollback_approve',
  );
  // Nothing touched the cluster but the deploy.
  expect(bot.world.kubeSim.requests.filter((r) => r.method === 'PATCH')).toEqual([]);

  // The fresh proposal is approvable and runs what it showed: back to 1.4.2.
  await bot.world.slackSim
    .as('U0BOB')
    .clickButton({ channel: 'C0PAYMENTS', ts: fresh.slack!.ts, actionId: 'rollback_approve' });
  const done = await incidentUntil(
    bot,
    fresh.id,
    (i) => i.state === 'succeeded' || i.state === 'failed',
    20_000,
  );
  expect(done.state).toBe('succeeded');
  const image = (bot.world.kubeSim.getDeploymentRaw('payments', 'payments-api') as any).spec.template.spec
    .containers[0].image as string;
  expect(image).toBe('registry.example.com/payments-api:1.4.2');
});
