import { startBot, type Bot } from '../helpers/bot.js';
import { testRunbooks } from '../helpers/runbooks.js';

/**
 * The approved plan is the plan that runs, runbook included: an incident keeps the runbook
 * version (and its SHA-256 and steps) it was proposed with, even when a replica that loaded an
 * edited runbook executes it.
 */
let bot: Bot;
afterAll(async () => bot?.close());

test('a replica with an edited runbook executes the version the incident recorded', async () => {
  const v3 = await testRunbooks();
  const v4 = await testRunbooks({
    'payments-api': (doc) => {
      doc.version = '4';
      doc.steps = [{ id: 'edited-wait', type: 'wait', with: { duration: '10ms' } }, ...doc.steps];
    },
  });
  bot = await startBot({
    instances: 2,
    configure: (config, i) => ({ ...config, runbooks: { ...config.runbooks, dir: i === 0 ? v3 : v4 } }),
  });
  expect((await bot.fireAlert(undefined, 0)).status).toBe(200);
  const proposed = await bot.waitIncident('payments-api', (i) => Boolean(i.slack?.ts));
  expect(proposed.runbook.version).toBe('3');

  // The click reaches the replica that loaded version 4.
  bot.world.attach(bot.urls[1]!);
  await bot.world.slackSim
    .as('U0BOB')
    .clickButton({ channel: 'C0PAYMENTS', ts: proposed.slack!.ts, actionId: 'rollback_approve' });
  const done = await bot.waitIncident(
    'payments-api',
    (i) => i.state === 'succeeded' || i.state === 'failed',
    30_000,
  );
  expect(done.state).toBe('succeeded');
  expect(done.runbook.version).toBe('3');
  expect(done.runbook.sha256).toBe(proposed.runbook.sha256);
  expect(done.execution?.steps.map((s) => s.id)).not.toContain('edited-wait');
  expect(done.execution?.steps.map((s) => s.id)).toEqual(
    expect.arrayContaining(['announce', 'undo', 'wait']),
  );
  // …and it was the version-4 replica that executed it.
  const started = (await bot.app.audit.read({ incidentId: done.id })).find(
    (r) => r.action === 'execution.started',
  );
  expect(started?.actor).toMatchObject({ type: 'system', name: 'rollbot/bot-1' });
  // A new incident on that replica would use version 4.
  expect(bot.apps[1]!.registry().forService('payments-api')?.runbook.version).toBe('4');
});
