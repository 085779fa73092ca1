/**
 * Issue 5: who may approve what, end to end (signed clicks and commands, real Redis, sandbox).
 * Each refusal reaches the person with the right reason and is in the audit log
 * (`approval.refused` with details.reason): a non-approver, the requester of a production
 * rollback, a cooldown after a finished rollback, a freeze window; break-glass only for its
 * approvers and past the cooldown; two distinct approvers where the runbook wants two; dismiss
 * records who.
 */
import { alertmanagerGroup, postAlert } from '../helpers/alerts.js';
import { startBot, type Bot } from '../helpers/bot.js';
import { ALWAYS_FROZEN, testRunbooks } from '../helpers/runbooks.js';
import {
  audited,
  buttonsOf,
  cancelViaSlack,
  incidentUntil,
  proposalMessages,
  resendClick,
  textOf,
  toldTo,
  waitAudited,
  waitTold,
} from '../helpers/slack-e2e.js';
import type { Incident } from '../../src/incidents/incident.js';

let bot: Bot;
afterEach(async () => bot?.close());

const click = (
  user: string,
  incident: Incident,
  actionId: 'rollback_approve' | 'rollback_dismiss' = 'rollback_approve',
) => bot.world.slackSim.as(user).clickButton({ channel: incident.channel, ts: incident.slack!.ts, actionId });

async function command(user: string, text: string, channel = 'C0PAYMENTS') {
  expect((await bot.world.slackSim.as(user).command('/rollback', text, { channel })).status).toBe(200);
}

/** The refusal a person was told and its audit record carry the same reason. */
async function expectRefused(user: string, told: RegExp, reason: string, incidentId?: string) {
  await waitTold(bot, user, told);
  // A refused click is approval.refused; a refused /rollback (freeze, cooldown) request.refused.
  const action = ['cooldown', 'freeze'].includes(reason) ? 'request.refused' : 'approval.refused';
  const records = (await waitAudited(bot, action, 1, incidentId ? { incidentId } : {})).filter(
    (r) => r.actor.type === 'user' && r.actor.id === user && r.details.reason === reason,
  );
  expect(records.length).toBeGreaterThanOrEqual(1);
  expect(String(records[0]!.details.message)).toMatch(told);
}

test('non-approver and requester are refused; an approver runs it; then the cooldown refuses; break-glass is only for its approvers and skips the cooldown', async () => {
  bot = await startBot({ runbooksDir: await testRunbooks() });
  await command('U0ALICE', 'payments-api because 5xx at 12%');
  const incident = await bot.waitIncident('payments-api', (i) => Boolean(i.slack?.ts));

  await click('U0CAROL', incident);
  await expectRefused(
    'U0CAROL',
    /You are not an approver for payments-api\. Approvers: <@U0BOB>, <!subteam\^S0SREONCALL>/,
    'not_approver',
    incident.id,
  );
  await click('U0ALICE', incident);
  await expectRefused(
    'U0ALICE',
    /You requested this rollback.*two-person rule/,
    'requester_may_not_approve',
    incident.id,
  );
  expect((await bot.app.repo.get(incident.id))!.state).toBe('proposed');

  await click('U0BOB', incident);
  const done = await incidentUntil(
    bot,
    incident.id,
    (i) => i.state === 'succeeded' || i.state === 'failed',
    20_000,
  );
  expect(done.state).toBe('succeeded');
  expect(done.approvals.map((a) => a.id)).toEqual(['U0BOB']);

  // Cooldown: a typed request and an alert are both refused, and both are on the record.
  await command('U0ERIN', 'payments-api');
  await expectRefused(
    'U0ERIN',
    /payments-api is in its cooldown until .*rolled back at .*incident inc-/,
    'cooldown',
  );
  expect(
    (await postAlert(bot, 'alertmanager', alertmanagerGroup([{ service: 'payments-api' }]))).status,
  ).toBe(200);
  const alertRefusal = (await audited(bot, 'request.refused')).filter((r) => r.details.origin === 'alert');
  expect(alertRefusal).toMatchObject([{ actor: { type: 'system' }, details: { reason: 'cooldown' } }]);
  // The refusal is on the proposal itself, in the channel: no Approve, the emergency path named.
  const blocked = await bot.waitIncident('payments-api', (i) => Boolean(i.blocked && i.slack?.ts));
  const blockedText = textOf(proposalMessages(bot, 'C0PAYMENTS').find((m) => m.ts === blocked.slack!.ts)!);
  expect(blockedText).toMatch(
    new RegExp(
      `Blocked by the cooldown after incident ${incident.id} \\(succeeded\\) until <!date\\^\\d+\\^\\{time\\}\\|`,
    ),
  );
  expect(blockedText).toMatch(
    /Emergency path: `\/rollback payments-api --emergency because …` \(break-glass approvers: <@U0DAVE>, <!subteam\^S0INCIDENTCMD>\)/,
  );
  expect(buttonsOf(proposalMessages(bot, 'C0PAYMENTS').find((m) => m.ts === blocked.slack!.ts)!)).toEqual([
    'rollback_dismiss',
  ]);

  // Break-glass ignores the cooldown, but only its approvers (U0DAVE, S0INCIDENTCMD) may approve.
  await command('U0ALICE', 'payments-api --emergency because checkout is down');
  const emergency = await bot.waitIncident('payments-api', (i) => Boolean(i.emergency && i.slack?.ts));
  // The blocked proposal gave way to the request that can be approved.
  expect(await incidentUntil(bot, blocked.id, (i) => Boolean(i.supersededBy))).toMatchObject({
    state: 'superseded',
    supersededBy: emergency.id,
  });
  expect(await audited(bot, 'breakglass.invoked', { incidentId: emergency.id })).toMatchObject([
    { actor: { id: 'U0ALICE' }, details: { reason: 'checkout is down' } },
  ]);
  expect(textOf(proposalMessages(bot, 'C0PAYMENTS').find((m) => m.ts === emergency.slack!.ts)!)).toMatch(
    /EMERGENCY \(break-glass\)/,
  );
  await click('U0BOB', emergency);
  await expectRefused(
    'U0BOB',
    /break-glass rollback: only <@U0DAVE>, <!subteam\^S0INCIDENTCMD> may approve/,
    'not_breakglass_approver',
    emergency.id,
  );
  await click('U0DAVE', emergency);
  await incidentUntil(bot, emergency.id, (i) => i.state !== 'proposed');
  expect(await waitAudited(bot, 'breakglass.approved', 1, { incidentId: emergency.id })).toMatchObject([
    { actor: { id: 'U0DAVE' } },
  ]);
  expect(await waitAudited(bot, 'execution.started', 1, { incidentId: emergency.id })).toHaveLength(1);
  await cancelViaSlack(bot, 'U0DAVE', 'payments-api');
  await incidentUntil(bot, emergency.id, (i) => !['approved', 'running'].includes(i.state), 20_000);

  // Every refusal anyone was told is on the record.
  const refusedTold = ['U0CAROL', 'U0ALICE', 'U0ERIN', 'U0BOB'].flatMap((u) =>
    toldTo(bot, u).filter((e) => /refused/i.test(e.text)),
  );
  const refusals = [...(await audited(bot, 'approval.refused')), ...(await audited(bot, 'request.refused'))];
  expect(refusals.filter((r) => r.actor.type === 'user')).toHaveLength(refusedTold.length);
  expect(await audited(bot, 'approval.refused')).not.toContainEqual(
    expect.objectContaining({ details: expect.objectContaining({ origin: expect.anything() }) }),
  );
}, 45_000);

test('a freeze window refuses requests and alerts (audited); break-glass still works, for its approvers only', async () => {
  bot = await startBot({
    runbooksDir: await testRunbooks({ 'payments-api': (rb) => void rb.approval.freeze.push(ALWAYS_FROZEN) }),
  });
  await command('U0ALICE', 'payments-api');
  await expectRefused('U0ALICE', /payments-api is in a change freeze \(test freeze\)/, 'freeze');
  expect(
    (await postAlert(bot, 'alertmanager', alertmanagerGroup([{ service: 'payments-api' }]))).status,
  ).toBe(200);
  expect((await audited(bot, 'request.refused')).filter((r) => r.details.origin === 'alert')).toMatchObject([
    { details: { reason: 'freeze' } },
  ]);
  const blocked = await bot.waitIncident('payments-api', (i) => Boolean(i.blocked && i.slack?.ts));
  const [message] = proposalMessages(bot, 'C0PAYMENTS');
  expect(textOf(message!)).toMatch(
    /Blocked by the test freeze:\* rollbacks of payments-api are refused while it lasts\. Emergency path:/,
  );
  expect(buttonsOf(message!)).toEqual(['rollback_dismiss']);

  await command('U0ALICE', 'payments-api --emergency because card payments failing');
  const emergency = await bot.waitIncident('payments-api', (i) => Boolean(i.emergency && i.slack?.ts));
  expect((await bot.app.repo.get(blocked.id))!.state).toBe('superseded');
  await click('U0ERIN', emergency);
  await expectRefused('U0ERIN', /break-glass rollback: only/, 'not_breakglass_approver', emergency.id);
  await click('U0DAVE', emergency);
  const run = await incidentUntil(
    bot,
    emergency.id,
    (i) => i.state === 'succeeded' || i.state === 'failed',
    20_000,
  );
  expect(run.state).toBe('succeeded');
  expect(run.approvals).toMatchObject([{ id: 'U0DAVE', breakGlass: true }]);
}, 30_000);

test('checkout-web needs two distinct approvers; the same person twice does not count', async () => {
  bot = await startBot({ runbooksDir: await testRunbooks() });
  expect(
    (await postAlert(bot, 'alertmanager', alertmanagerGroup([{ service: 'checkout-web' }]))).status,
  ).toBe(200);
  const incident = await bot.waitIncident('checkout-web', (i) => Boolean(i.slack?.ts));

  await click('U0ALICE', incident);
  const half = await incidentUntil(bot, incident.id, (i) => i.approvals.length === 1);
  expect(half.state).toBe('proposed');
  await bot.world.slackSim.waitFor(
    () =>
      /1 of 2 approvals: <@U0ALICE>/.test(
        textOf(bot.world.slackSim.message('C0CHECKOUT', incident.slack!.ts)!),
      ),
    5000,
  );
  await click('U0ALICE', incident);
  await expectRefused(
    'U0ALICE',
    /You already approved this; it needs another approver/,
    'already_approved_by_you',
    incident.id,
  );
  expect((await bot.app.repo.get(incident.id))!).toMatchObject({
    state: 'proposed',
    approvals: [{ id: 'U0ALICE' }],
  });

  await click('U0ERIN', incident);
  const approved = await incidentUntil(bot, incident.id, (i) => i.state !== 'proposed');
  expect(approved.approvals.map((a) => a.id)).toEqual(['U0ALICE', 'U0ERIN']);
  const granted = await waitAudited(bot, 'approval.granted', 2, { incidentId: incident.id });
  expect(granted.map((r) => [r.actor.type === 'user' && r.actor.id, r.details.complete])).toEqual([
    ['U0ALICE', false],
    ['U0ERIN', true],
  ]);
  await incidentUntil(bot, incident.id, (i) => i.state === 'succeeded' || i.state === 'failed', 20_000);
});

test('dismiss closes the proposal and records who; a later Approve is refused saying so', async () => {
  bot = await startBot({ runbooksDir: await testRunbooks() });
  expect(
    (await postAlert(bot, 'alertmanager', alertmanagerGroup([{ service: 'payments-api' }]))).status,
  ).toBe(200);
  const incident = await bot.waitIncident('payments-api', (i) => Boolean(i.slack?.ts));
  const dismissClick = await click('U0ERIN', incident, 'rollback_dismiss');
  const dismissed = await incidentUntil(bot, incident.id, (i) => i.state === 'dismissed');
  expect(dismissed.closedBy).toMatchObject({ id: 'U0ERIN' });
  expect(await waitAudited(bot, 'proposal.dismissed', 1, { incidentId: incident.id })).toMatchObject([
    { actor: { type: 'user', id: 'U0ERIN' } },
  ]);

  // BOB's Slack client still shows the old message with its Approve button.
  expect(await resendClick(bot, dismissClick.payload, { user: 'U0BOB', actionId: 'rollback_approve' })).toBe(
    200,
  );
  const [refusal] = await waitAudited(bot, 'approval.refused', 1, { incidentId: incident.id });
  expect(refusal).toMatchObject({ actor: { id: 'U0BOB' }, details: { reason: 'not_proposed' } });
  expect(String(refusal!.details.message)).toMatch(/This proposal was dismissed by <@U0ERIN> at/);
  await bot.world.slackSim.waitFor(
    () => bot.world.slackSim.responses().some((r) => /dismissed by <@U0ERIN>/.test(JSON.stringify(r.body))),
    5000,
  );
  expect(bot.world.kubeSim.requests.filter((r) => r.method === 'PATCH')).toEqual([]);
});
