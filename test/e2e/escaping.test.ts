/**
 * Issue 12: a person's words are escaped once, for each outlet they reach — typed through the
 * signed Slack path (Slack sends them entity-escaped), they show exactly as typed in the proposal
 * (mrkdwn), the audit log (plain data), the audit channel, the postmortem in the thread (a Slack
 * code block) and the GitHub issue (Markdown); no outlet turns them into a mention, link or code.
 */
import { startBot, type Bot } from '../helpers/bot.js';
import { testRunbooks } from '../helpers/runbooks.js';
import { audited, incidentUntil, proposalMessages, toldTo, waitTold } from '../helpers/slack-e2e.js';

let bot: Bot;
afterEach(async () => bot?.close());

const REASON = 'errors > 5% & rising <!channel> <@U0BOB> <https://x.example|click me> `rm -rf` ```fence```';
/** Every string of a stored Slack message, raw (what Slack would parse), blocks and text. */
const raw = (m: { text: string; blocks?: unknown[] | undefined }) => JSON.stringify([m.text, m.blocks ?? []]);

test('one reason, every outlet: shown as typed, never a mention, link or code, never escaped twice', async () => {
  bot = await startBot({ runbooksDir: await testRunbooks() });
  const sim = bot.world.slackSim;
  await sim.as('U0ALICE').command('/rollback', `payments-api because ${REASON}`, { channel: 'C0PAYMENTS' });
  await waitTold(bot, 'U0ALICE', /Posted/);
  const incident = await bot.waitIncident('payments-api', (i) => Boolean(i.slack?.ts));

  // Decoded once at the edge: the incident and the audit log hold the words as typed.
  expect(incident.reason).toBe(REASON);
  const [requested] = await audited(bot, 'rollback.requested', { incidentId: incident.id });
  expect(requested!.details['reason']).toBe(REASON);

  // The proposal (mrkdwn): entities once, backticks defused; Slack shows the typed characters.
  const proposal = raw(proposalMessages(bot, 'C0PAYMENTS')[0]!);
  expect(proposal).toContain(
    'because errors &gt; 5% &amp; rising &lt;!channel&gt; &lt;@U0BOB&gt; &lt;https://x.example|click me&gt; ˋrm -rfˋ ˋˋˋfenceˋˋˋ',
  );
  expect(proposal).not.toContain('<!channel>');
  expect(proposal).not.toContain('&amp;gt;');

  await sim
    .as('U0BOB')
    .clickButton({ channel: 'C0PAYMENTS', ts: incident.slack!.ts, actionId: 'rollback_approve' });
  await incidentUntil(bot, incident.id, (i) => i.state === 'succeeded', 20_000);

  // The postmortem in the thread: the Markdown source in a code block, made safe for Slack once.
  const thread = await sim.waitFor(
    () => sim.replies('C0PAYMENTS', incident.slack!.ts).find((m) => m.text.includes('Postmortem draft')),
    10_000,
  );
  const threadText = raw(thread);
  expect(threadText).toContain('errors &gt; 5% &amp; rising &lt;!channel&gt; &lt;@U0BOB&gt;');
  expect(threadText).toContain('`rm -rf` ˋˋˋfenceˋˋˋ');
  expect(threadText).not.toContain('<!channel>');
  expect(threadText).not.toContain('&#64;');

  // The GitHub issue (Markdown): no HTML, no @mention, no code span or fence from the reason.
  const issue = await sim.waitFor(() => bot.world.githubDouble.issues('acme/payments-api')[0], 10_000);
  expect(issue!.body).toContain(
    'errors &gt; 5% &amp; rising &lt;!channel&gt; &lt;&#64;U0BOB&gt; &lt;https://x.example\\|click me&gt; \\`rm -rf\\` \\`\\`\\`fence\\`\\`\\`',
  );
  expect(issue!.body).not.toMatch(/@U0BOB|<!channel>/);

  // The audit channel (mrkdwn): the request's line carries the reason, escaped once.
  const line = await sim.waitFor(
    () => sim.messages('C0AUDIT').find((m) => m.text.includes('rollback.requested')),
    10_000,
  );
  expect(raw(line)).toContain('(errors &gt; 5% &amp; rising &lt;!channel&gt; &lt;@U0BOB&gt;');
  for (const m of sim.messages('C0AUDIT')) expect(raw(m)).not.toContain('<!channel>');
});

test('the grammar quotes a mistyped word back escaped once, in the private reply', async () => {
  bot = await startBot({ runbooksDir: await testRunbooks() });
  await bot.world.slackSim.as('U0CAROL').command('/rollback', '<!channel> & co', { channel: 'C0PAYMENTS' });
  await bot.world.slackSim.waitFor(() => toldTo(bot, 'U0CAROL').length > 0, 5000);
  const [reply] = toldTo(bot, 'U0CAROL');
  expect(raw(reply!)).toContain('\\"&lt;!channel&gt;\\" is not a service name');
  expect(raw(reply!)).not.toContain('&amp;lt;');
  expect(raw(reply!)).not.toContain('<!channel>');
});
