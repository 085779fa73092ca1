/**
 * Issue 12: never propose the release that paged (DESIGN.md invariant 10), and requests that
 * cannot be approved never become the service's proposal. End to end: signed Slack requests, the
 * sandbox cluster changed by the real kubectl where it is installed, real Redis.
 */
import { alertmanagerGroup, postAlert } from '../helpers/alerts.js';
import { startBot, type Bot } from '../helpers/bot.js';
import { testRunbooks } from '../helpers/runbooks.js';
import {
  audited,
  buttonsOf,
  cancelViaSlack,
  incidentUntil,
  proposalMessages,
  textOf,
  toldTo,
  waitTold,
} from '../helpers/slack-e2e.js';
import { hasKubectl, kubectl } from '../kube/harness.js';
import type { Incident } from '../../src/incidents/incident.js';

let bot: Bot;
afterEach(async () => bot?.close());

const V = (tag: string) => `registry.example.com/payments-api:${tag}`;
const sim = () => bot.world.slackSim;
const fire = async () =>
  expect(
    (await postAlert(bot, 'alertmanager', alertmanagerGroup([{ service: 'payments-api' }]))).status,
  ).toBe(200);
const approve = (user: string, i: Incident) =>
  sim().as(user).clickButton({ channel: i.channel, ts: i.slack!.ts, actionId: 'rollback_approve' });
const messageOf = (i: Incident) => textOf(sim().message(i.channel, i.slack!.ts)!);

/** What on-call would type; the simulator's own deploy when kubectl is not installed. */
async function setImage(tag: string): Promise<void> {
  if (hasKubectl) {
    const out = await kubectl(
      bot.world.kubeSim,
      '-n',
      'payments',
      'set',
      'image',
      'deployment/payments-api',
      `api=${V(tag)}`,
    );
    expect(out.code).toBe(0);
  } else bot.world.kubeSim.setImage('payments', 'payments-api', V(tag), `set image ${tag}`);
  await bot.world.kubeSim.waitForIdle(10_000);
}

/** `/rollback <text>` as `user`; resolves with what they were told. */
async function rollback(user: string, text: string): Promise<string> {
  const before = toldTo(bot, user).length;
  expect((await sim().as(user).command('/rollback', text, { channel: 'C0PAYMENTS' })).status).toBe(200);
  await sim().waitFor(() => toldTo(bot, user).length > before, 5000);
  return toldTo(bot, user).slice(before).map(textOf).join('\n');
}

test('the alert fired on 1.5.0, someone set 1.4.1 by hand: the stale approval re-proposes 1.4.2, never 1.5.0; `to 3` names it with the reason', async () => {
  bot = await startBot({ runbooksDir: await testRunbooks() });
  await fire();
  const first = await bot.waitIncident('payments-api', (i) => Boolean(i.slack?.ts));
  expect(first.plan).toMatchObject({ current: { revision: 3 }, target: { revision: 2 } });

  await setImage('1.4.1'); // revision 1's template again: it becomes revision 4
  await approve('U0BOB', first);
  await waitTold(bot, 'U0BOB', /The plan is stale: payments\/payments-api moved from revision 3 to 4/);
  const retired = await incidentUntil(bot, first.id, (i) => Boolean(i.supersededBy));
  const fresh = await incidentUntil(bot, retired.supersededBy!, (i) => Boolean(i.slack?.ts));
  expect(fresh.plan).toMatchObject({
    current: { revision: 4, images: [V('1.4.1')] },
    target: { revision: 2, images: [V('1.4.2')] },
    skippedSuspects: [{ revision: 3, images: [V('1.5.0')] }],
  });
  expect(messageOf(fresh)).toMatch(
    /Passed over revision 3 \(1\.5\.0\): suspect, it was live when \*HighErrorRate\* fired/,
  );

  // Asked for by number, the suspect is allowed, and the proposal says why it is suspect.
  await sim()
    .as('U0ERIN')
    .clickButton({ channel: 'C0PAYMENTS', ts: fresh.slack!.ts, actionId: 'rollback_dismiss' });
  await incidentUntil(bot, fresh.id, (i) => i.state === 'dismissed');
  expect(await rollback('U0ALICE', 'payments-api to 3 because testing the old build')).toMatch(/Posted/);
  const explicit = await bot.waitIncident(
    'payments-api',
    (i) => i.origin === 'command' && Boolean(i.slack?.ts),
  );
  expect(explicit.plan).toMatchObject({
    target: { revision: 3, images: [V('1.5.0')] },
    targetSuspect: { alert: 'HighErrorRate' },
  });
  expect(messageOf(explicit)).toMatch(
    /The target, revision 3 \(1\.5\.0\), is suspect:\* it was live when \*HighErrorRate\* fired at <!date\^\d+\^/,
  );
  expect(buttonsOf(sim().message('C0PAYMENTS', explicit.slack!.ts)!)).toEqual([
    'rollback_approve',
    'rollback_dismiss',
  ]);
  const [requested] = await audited(bot, 'rollback.requested', { incidentId: explicit.id });
  expect(requested!.details).toMatchObject({ to: 3, targetSuspect: { alert: 'HighErrorRate' } });
}, 40_000);

test('cancelled after the undo, the next plain /rollback does not go "back" to the release that paged', async () => {
  bot = await startBot({
    runbooksDir: await testRunbooks({
      'payments-api': (rb) =>
        void rb.steps.splice(rb.steps.findIndex((s: any) => s.id === 'wait') + 1, 0, {
          id: 'settle',
          type: 'wait',
          with: { duration: '60s' },
        }),
    }),
  });
  await fire();
  const paged = await bot.waitIncident('payments-api', (i) => Boolean(i.slack?.ts));
  await approve('U0BOB', paged);
  await incidentUntil(
    bot,
    paged.id,
    (i) => i.execution?.steps.find((s) => s.id === 'settle')?.status === 'running',
    20_000,
  );
  expect(await cancelViaSlack(bot, 'U0BOB', 'payments-api')).toMatch(/Stop requested/);
  await incidentUntil(bot, paged.id, (i) => i.state === 'cancelled', 20_000);

  // Now 1.4.2 runs (revision 4); kubectl's "previous revision" would be 3, the 1.5.0 that paged.
  expect(await rollback('U0ALICE', 'payments-api')).toMatch(/Posted/);
  const next = await bot.waitIncident('payments-api', (i) => i.id !== paged.id && Boolean(i.slack?.ts));
  expect(next.plan).toMatchObject({
    current: { revision: 4, images: [V('1.4.2')] },
    target: { revision: 1, images: [V('1.4.1')] },
    skippedSuspects: [{ revision: 3 }],
  });
}, 40_000);

test('requests that cannot be approved are answered privately with the reason and the valid targets, and never hold the service', async () => {
  // No cooldown: the last request below comes right after a rollback.
  bot = await startBot({
    runbooksDir: await testRunbooks({ 'payments-api': (rb) => void (rb.approval.cooldown = '0s') }),
  });
  const running = await rollback('U0CAROL', 'payments-api to 3');
  expect(running).toMatch(/Cannot roll back payments-api to revision 3:\* it is what runs now/);
  expect(running).toMatch(/Nothing was proposed/);
  expect(running).toMatch(/`\/rollback payments-api to 2` — revision 2 \(1\.4\.2\)/);
  expect(running).toMatch(/`\/rollback payments-api to 1` — revision 1 \(1\.4\.1\)/);
  expect(await bot.app.repo.openFor('payments-api')).toBeNull();
  expect(proposalMessages(bot, 'C0PAYMENTS')).toEqual([]);
  expect(
    sim()
      .ephemerals()
      .every((e) => e.user === 'U0CAROL'),
  ).toBe(true);
  expect(await audited(bot, 'request.refused', { service: 'payments-api' })).toMatchObject([
    { actor: { id: 'U0CAROL' }, details: { reason: 'target_is_running', from: 3, choices: [2, 1] } },
  ]);

  // Nothing holds the service: an alert gets a normal proposal with Approve, and counts its alerts.
  await fire();
  const alertBorn = await bot.waitIncident('payments-api', (i) => Boolean(i.slack?.ts));
  expect(alertBorn).toMatchObject({
    origin: 'alert',
    plan: { target: { revision: 2 } },
    alerts: { count: 1 },
  });
  expect(buttonsOf(proposalMessages(bot, 'C0PAYMENTS')[0]!)).toEqual([
    'rollback_approve',
    'rollback_dismiss',
  ]);

  // Revision 2 rolled out again becomes revision 4: "to 2" is answered with that, not "pruned".
  await approve('U0BOB', alertBorn);
  await incidentUntil(bot, alertBorn.id, (i) => i.state === 'succeeded' || i.state === 'failed', 20_000);
  const renumbered = await rollback('U0CAROL', 'payments-api to 2');
  expect(renumbered).toMatch(
    /revision 2 no longer exists: its template was rolled out again as revision 4, which is what runs now/,
  );
  expect(renumbered).not.toMatch(/pruned|revisionHistoryLimit/);
}, 40_000);
