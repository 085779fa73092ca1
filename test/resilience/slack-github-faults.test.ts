/**
 * Slack and GitHub failing around a real rollback (real Redis, the sandbox): rate limits and 5xx
 * on chat.postMessage / chat.update never stop or repeat the rollback; a proposal Slack refused
 * is posted later, once; GitHub failing only costs the proposal its commit list, with a note.
 */
import { startBot, type Bot } from '../helpers/bot.js';
import { alertApproveFinish, paymentsRunbook, runbooksDir, undoPatches, until } from './harness.js';

let bot: Bot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

async function start() {
  bot = await startBot({ runbooksDir: await runbooksDir([paymentsRunbook()]) });
  return bot;
}

/** Top-level messages rollbot posted in a channel: the proposal only (everything else goes in its thread). */
const proposalsIn = (b: Bot, channel: string) =>
  b.world.slackSim.messages(channel).filter((m) => m.botId && !m.threadTs);

describe('Slack faults', () => {
  test('429 and 5xx on chat.postMessage and chat.update during the rollback: it completes, each effect once', async () => {
    const b = await start();
    await b.fireAlert();
    const proposed = await b.waitIncident('payments-api', (i) => Boolean(i.slack?.ts));
    const faults = b.world.slackSim.faults;
    faults.add({ method: 'chat.postMessage', status: 429, retryAfter: 1, times: 1 });
    faults.add({ method: 'chat.postMessage', status: 503, times: 1 });
    faults.add({ method: 'chat.update', status: 500, times: 2 });
    faults.add({ method: 'chat.update', status: 429, retryAfter: 1, times: 1 });
    await b.world.slackSim
      .as('U0BOB')
      .clickButton({ channel: 'C0PAYMENTS', ts: proposed.slack!.ts, actionId: 'rollback_approve' });
    const done = await b.waitIncident(
      'payments-api',
      (i) => i.state === 'succeeded' || i.state === 'failed',
      20_000,
    );
    await b.app.idle();
    expect(done.execution?.failure).toBeUndefined();
    expect(done.state).toBe('succeeded');
    expect(undoPatches(b.world).applied).toHaveLength(1);
    const announcements = b.world.slackSim
      .replies('C0PAYMENTS', proposed.slack!.ts)
      .filter((m) => m.text.startsWith('Rolling back payments-api'));
    expect(announcements).toHaveLength(1);
    // the proposal message ends up showing the result
    await until('the proposal message to show the result', () =>
      /succeeded|recovered/i.test(JSON.stringify(b.world.slackSim.message('C0PAYMENTS', proposed.slack!.ts))),
    );
    expect(proposalsIn(b, 'C0PAYMENTS')).toHaveLength(1);
  });

  test('Slack refusing the proposal post for a while: it is posted later, exactly once, and can be approved', async () => {
    const b = await start();
    const outage = b.world.slackSim.faults.add({ method: 'chat.postMessage', status: 503, times: 1000 });
    expect((await b.fireAlert()).status).toBe(200);
    const stored = await b.waitIncident('payments-api', (i) => i.state === 'proposed');
    await new Promise((r) => setTimeout(r, 300));
    expect(proposalsIn(b, 'C0PAYMENTS')).toHaveLength(0);
    expect((await b.app.repo.get(stored.id))!.slack?.ts).toBeUndefined();
    outage.remove();
    const posted = await b.waitIncident('payments-api', (i) => Boolean(i.slack?.ts), 10_000);
    expect(posted.id).toBe(stored.id);
    await new Promise((r) => setTimeout(r, 1_000)); // further sweeps must not post it again
    expect(proposalsIn(b, 'C0PAYMENTS')).toHaveLength(1);
    await b.world.slackSim
      .as('U0BOB')
      .clickButton({ channel: 'C0PAYMENTS', ts: posted.slack!.ts, actionId: 'rollback_approve' });
    const done = await b.waitIncident(
      'payments-api',
      (i) => i.state === 'succeeded' || i.state === 'failed',
      20_000,
    );
    expect(done.state).toBe('succeeded');
  });
});

describe('GitHub faults', () => {
  test('5xx on compare: the proposal still posts, without commits and with a note saying why', async () => {
    const b = await start();
    b.world.githubDouble.faults.add({ pathPattern: '/compare/', status: 502, times: 100 });
    const { proposed, done } = await alertApproveFinish(b);
    expect(proposed.plan.commits).toEqual([]);
    expect(proposed.plan.commitsNote).toMatch(
      /could not compare v1\.4\.2\.\.\.v1\.5\.0 on acme\/payments-api \(502\)/,
    );
    const message = JSON.stringify(
      b.world.slackSim.message('C0PAYMENTS', proposed.slack!.ts)!.history[0] ??
        b.world.slackSim.message('C0PAYMENTS', proposed.slack!.ts),
    );
    expect(message).toContain('could not compare');
    expect(done.state).toBe('succeeded');
  });
});
