/**
 * Issue 12, end to end through the signed Slack path and real Redis: who may dismiss and cancel
 * (with confirm dialogs), a requester withdrawing their own request, two replicas racing a Dismiss
 * against an Approve, a cancel after the undo told honestly in message, audit and postmortem, and
 * the expiry sweep freeing the service.
 */
import { alertmanagerGroup, postAlert } from '../helpers/alerts.js';
import { startBot, type Bot } from '../helpers/bot.js';
import { testRunbooks } from '../helpers/runbooks.js';
import {
  audited,
  buttonsOf,
  cancelViaSlack,
  incidentUntil,
  roundRobin,
  textOf,
  toldTo,
  waitAudited,
  waitTold,
} from '../helpers/slack-e2e.js';
import type { Incident } from '../../src/incidents/incident.js';

let bot: Bot;
afterEach(async () => bot?.close());

const sim = () => bot.world.slackSim;
const click = (user: string, incident: Incident, actionId: string) =>
  sim().as(user).clickButton({ channel: incident.channel, ts: incident.slack!.ts, actionId });
const message = (incident: Incident) => textOf(sim().message(incident.channel, incident.slack!.ts)!);
const fire = async () =>
  expect(
    (await postAlert(bot, 'alertmanager', alertmanagerGroup([{ service: 'payments-api' }]))).status,
  ).toBe(200);

test('Dismiss: a confirm dialog; a non-approver is refused and audited; an approver dismisses, shown with its quiet window', async () => {
  bot = await startBot({ runbooksDir: await testRunbooks() });
  await fire();
  const incident = await bot.waitIncident('payments-api', (i) => Boolean(i.slack?.ts));
  const dismiss = (sim().message(incident.channel, incident.slack!.ts)!.blocks as any[])
    .flatMap((b) => b.elements ?? [])
    .find((e: any) => e.action_id === 'rollback_dismiss');
  expect(dismiss.confirm.text.text).toMatch(
    /Dismiss the rollback proposal for payments-api\? .*quiet for 30 minutes/,
  );

  await click('U0CAROL', incident, 'rollback_dismiss');
  await waitTold(
    bot,
    'U0CAROL',
    /Not dismissed: Only <@U0BOB>, <!subteam\^S0SREONCALL>.* may dismiss this proposal/,
  );
  expect(await waitAudited(bot, 'dismissal.refused', 1, { incidentId: incident.id })).toMatchObject([
    { actor: { id: 'U0CAROL' }, details: { reason: 'not_allowed' } },
  ]);
  expect((await bot.app.repo.get(incident.id))!.state).toBe('proposed');

  await click('U0ERIN', incident, 'rollback_dismiss');
  const dismissed = await incidentUntil(bot, incident.id, (i) => i.state === 'dismissed');
  // The window runs from the decision; the stored updatedAt is a moment later.
  expect(dismissed.quietUntil! - dismissed.updatedAt).toBeGreaterThan(29 * 60_000);
  expect(dismissed.quietUntil! - dismissed.updatedAt).toBeLessThanOrEqual(30 * 60_000);
  await sim().waitFor(() => /Dismissed\* by <@U0ERIN>/.test(message(incident)), 5000);
  expect(message(incident)).toContain(
    `quiet until <!date^${Math.floor(dismissed.quietUntil! / 1000)}^{time}|`,
  );
  expect(buttonsOf(sim().message(incident.channel, incident.slack!.ts)!)).toEqual([]);
});

/** A `wait` step after the rollout wait, so a run stays in flight long enough to be stopped. */
const settle = (rb: any) =>
  void rb.steps.splice(rb.steps.findIndex((s: any) => s.type === 'k8s.waitRollout') + 1, 0, {
    id: 'settle',
    type: 'wait',
    with: { duration: '60s' },
  });

test('the requester withdraws their own /rollback but not an alert-born proposal; nor can they stop the run', async () => {
  bot = await startBot({ runbooksDir: await testRunbooks({ 'checkout-web': settle }) });
  // checkout-web's approvers are @sre-oncall (alice, bob, erin), break-glass dave; carol is none.
  expect(
    (await postAlert(bot, 'alertmanager', alertmanagerGroup([{ service: 'checkout-web' }]))).status,
  ).toBe(200);
  const alertBorn = await bot.waitIncident('checkout-web', (i) => Boolean(i.slack?.ts));
  expect(await cancelViaSlack(bot, 'U0CAROL', 'checkout-web', 'C0CHECKOUT')).toMatch(
    /Not cancelled: Only <!subteam\^S0SREONCALL>, break-glass approvers \(<@U0DAVE>\) may cancel this proposal/,
  );
  expect(await audited(bot, 'cancellation.refused', { incidentId: alertBorn.id })).toMatchObject([
    { actor: { id: 'U0CAROL' }, details: { reason: 'not_allowed' } },
  ]);
  expect(await cancelViaSlack(bot, 'U0ERIN', 'checkout-web', 'C0CHECKOUT')).toMatch(/Cancelled the proposal/);

  const request = async () => {
    const told = toldTo(bot, 'U0CAROL').length;
    await sim()
      .as('U0CAROL')
      .command('/rollback', 'checkout-web because checkout errors', { channel: 'C0CHECKOUT' });
    const incident = await bot.waitIncident(
      'checkout-web',
      (i) => i.state === 'proposed' && i.origin === 'command' && Boolean(i.slack?.ts),
    );
    // The "Posted the proposal" reply can land after the incident is stored; wait for it, or the
    // next command would read it as its own answer.
    await sim().waitFor(
      () =>
        toldTo(bot, 'U0CAROL')
          .slice(told)
          .some((e) => /Posted .*the proposal/.test(textOf(e))),
      5000,
    );
    return incident;
  };
  const mine = await request();
  expect(await cancelViaSlack(bot, 'U0CAROL', 'checkout-web', 'C0CHECKOUT')).toMatch(
    /Cancelled the proposal for checkout-web/,
  );
  expect(await incidentUntil(bot, mine.id, (i) => i.state === 'cancelled')).toMatchObject({
    closedBy: { id: 'U0CAROL' },
  });

  const second = await request();
  await click('U0ALICE', second, 'rollback_approve');
  await incidentUntil(bot, second.id, (i) => i.approvals.length === 1 && !i.lock);
  await click('U0ERIN', second, 'rollback_approve');
  await incidentUntil(bot, second.id, (i) => i.state === 'running', 20_000);
  expect(await cancelViaSlack(bot, 'U0CAROL', 'checkout-web', 'C0CHECKOUT')).toMatch(
    /may stop this rollback of checkout-web/,
  );
  expect(await cancelViaSlack(bot, 'U0ALICE', 'checkout-web', 'C0CHECKOUT')).toMatch(/Stop requested/);
  await incidentUntil(bot, second.id, (i) => i.state === 'cancelled', 20_000);
}, 60_000);

test('two replicas: a Dismiss and an Approve clicked at once — exactly one wins, the other person is told', async () => {
  bot = await startBot({
    instances: 2,
    runbooksDir: await testRunbooks({ 'payments-api': (rb) => void (rb.approval.cooldown = '0s') }),
  });
  const front = await roundRobin(bot.urls);
  sim().setEventsUrl(`${front.url}/slack/events`);
  try {
    const outcomes: string[] = [];
    for (let round = 0; round < 3; round++) {
      await sim().as('U0CAROL').command('/rollback', 'payments-api', { channel: 'C0PAYMENTS' });
      const seen: Record<string, number> = {
        U0BOB: toldTo(bot, 'U0BOB').length,
        U0ERIN: toldTo(bot, 'U0ERIN').length,
      };
      const incident = await bot.waitIncident(
        'payments-api',
        (i) => i.state === 'proposed' && Boolean(i.slack?.ts),
      );
      const [a, d] = await Promise.all([
        click('U0BOB', incident, 'rollback_approve'),
        click('U0ERIN', incident, 'rollback_dismiss'),
      ]);
      expect([a.status, d.status]).toEqual([200, 200]);
      const settled = await incidentUntil(bot, incident.id, (i) => i.state !== 'proposed' && !i.lock);
      const approved = settled.state !== 'dismissed';
      outcomes.push(approved ? 'approved' : 'dismissed');
      // The loser hears who won; the record holds one winner and one refusal.
      const [loser, told] = approved
        ? ['U0ERIN', /Not dismissed: Already approved by <@U0BOB>/]
        : ['U0BOB', /Approval refused: This proposal was dismissed by <@U0ERIN>/];
      await sim().waitFor(
        () =>
          toldTo(bot, loser)
            .slice(seen[loser])
            .some((e) => told.test(textOf(e))),
        5000,
      );
      const actions = (await bot.app.audit.read({ incidentId: incident.id })).map((r) => r.action);
      expect(actions.filter((x) => x === 'approval.granted' || x === 'proposal.dismissed')).toHaveLength(1);
      expect(actions.filter((x) => x === 'approval.refused' || x === 'dismissal.refused')).toHaveLength(1);
      if (approved)
        await incidentUntil(bot, incident.id, (i) => ['succeeded', 'failed'].includes(i.state), 20_000);
    }
    expect(outcomes).toHaveLength(3);
  } finally {
    await front.close();
  }
}, 60_000);

test('a cancel after the undo applied says so in the message, the audit record and the postmortem, with the next step', async () => {
  bot = await startBot({
    runbooksDir: await testRunbooks({ 'payments-api': settle }),
  });
  await fire();
  const incident = await bot.waitIncident('payments-api', (i) => Boolean(i.slack?.ts));
  await click('U0BOB', incident, 'rollback_approve');
  await incidentUntil(
    bot,
    incident.id,
    (i) => i.execution?.steps.find((s) => s.id === 'settle')?.status === 'running',
    20_000,
  );

  // Not an approver: refused before any confirm, and audited.
  expect(await cancelViaSlack(bot, 'U0CAROL', 'payments-api')).toMatch(
    /Not cancelled: Only .* may stop this rollback of payments-api/,
  );
  expect(await audited(bot, 'cancellation.refused', { incidentId: incident.id })).toHaveLength(1);

  const before = toldTo(bot, 'U0BOB').length;
  expect(await cancelViaSlack(bot, 'U0BOB', 'payments-api')).toMatch(
    /Stop requested for the rollback of payments-api/,
  );
  const confirm = toldTo(bot, 'U0BOB')
    .slice(before)
    .find((e) => buttonsOf(e).includes('rollback_cancel'))!;
  expect(textOf(confirm)).toMatch(
    /The undo already applied: payments\/payments-api runs revision 2 \(1\.4\.2\)\. Stopping now leaves it there, unverified\./,
  );

  const done = await incidentUntil(bot, incident.id, (i) => i.state === 'cancelled', 20_000);
  const sentence =
    'stopped after payments/payments-api was rolled back to revision 2 (1.4.2); verification did not run';
  expect(done.execution?.stopped?.summary).toBe(sentence);
  await sim().waitFor(() => message(incident).includes(sentence), 5000);
  expect(message(incident)).toMatch(/Rollback stopped: payments-api/);
  expect(message(incident)).toMatch(
    /What to do next:\* check payments-api by hand — the runbook's healthz, error-ratio did not run/,
  );
  const [record] = await waitAudited(bot, 'rollback.cancelled', 1, { incidentId: incident.id });
  expect(record).toMatchObject({ actor: { id: 'U0BOB' }, details: { stopped: sentence } });
  expect(await audited(bot, 'rollback.cancel_requested', { incidentId: incident.id })).toMatchObject([
    { actor: { id: 'U0BOB' } },
  ]);
  const postmortem = await sim().waitFor(
    async () => (await bot.app.postmortem(incident.id)) ?? undefined,
    10_000,
  );
  expect(postmortem).toContain(sentence);
  expect(postmortem).not.toContain('not recovered by the rollback');
  expect(postmortem).toMatch(/# Postmortem: payments-api rollback stopped/);
}, 60_000);

test('a proposal past its TTL expires by itself: the message says so and the next /rollback opens a fresh one', async () => {
  bot = await startBot({
    runbooksDir: await testRunbooks({ 'payments-api': (rb) => void (rb.approval.proposalTtl = '1s') }),
    env: { LEASE_TTL: '1500ms' },
  });
  await fire();
  const old = await bot.waitIncident('payments-api', (i) => Boolean(i.slack?.ts));
  const expired = await incidentUntil(bot, old.id, (i) => i.state === 'expired', 15_000);
  expect(expired.closeReason).toMatch(/no approval within/);
  await sim().waitFor(() => /Expired\*/.test(message(old)), 5000);
  expect(buttonsOf(sim().message(old.channel, old.slack!.ts)!)).toEqual([]);
  expect(await audited(bot, 'proposal.expired', { incidentId: old.id })).toMatchObject([
    { actor: { type: 'system' } },
  ]);

  await sim().as('U0ALICE').command('/rollback', 'payments-api', { channel: 'C0PAYMENTS' });
  await waitTold(bot, 'U0ALICE', /Posted .*the proposal/);
  const fresh = await bot.waitIncident('payments-api', (i) => i.id !== old.id);
  expect(fresh.state).toBe('proposed');
}, 30_000);
