import { WebClient, ErrorCode } from '@slack/web-api';
import { loadScenario } from '../../src/scenario/load.js';
import { METHOD_LIMITS, startSlackSimulator, type SlackSimulator } from '../../src/slack/index.js';
import { quietLogger } from './quiet-logger.js';

/**
 * Slack's published tiers, per method, against unmodified WebClient. The simulator runs on a
 * clock the test moves, so "per minute" is exact and nothing here depends on how fast the machine is.
 */
describe('Slack simulator rate tiers', () => {
  let sim: SlackSimulator;
  let client: WebClient;
  let now = Date.UTC(2026, 0, 1, 12, 0, 0);
  beforeAll(async () => {
    sim = await startSlackSimulator({
      scenario: await loadScenario(),
      signingSecret: 's',
      botToken: 'xoxb-t',
      clock: { now: () => now },
    });
    client = new WebClient('xoxb-t', {
      slackApiUrl: sim.apiUrl,
      logger: quietLogger(),
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    });
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.resetRateLimits());

  it('has a tier for every method it serves, as Slack publishes them', () => {
    expect(METHOD_LIMITS).toEqual({
      'chat.update': 50, // Tier 3
      'chat.delete': 50, // Tier 3
      'chat.postEphemeral': 100, // Tier 4
      'chat.getPermalink': 200, // special: "hundreds of requests per minute"
      'auth.test': 200, // special: "hundreds of requests per minute"
      'conversations.info': 50, // Tier 3
      'users.info': 100, // Tier 4
      'usergroups.list': 20, // Tier 2
      'usergroups.users.list': 20, // Tier 2
    });
  });

  it('chat.update: 50 a minute for the workspace (any message), then 429 with Retry-After until the window frees', async () => {
    const posted = await client.chat.postMessage({ channel: 'C0PAYMENTS', text: 'v0' });
    const other = await client.chat.postMessage({ channel: 'C0AUDIT', text: 'other' });
    for (let i = 0; i < 50; i++) {
      now += 100; // 50 edits over 5 s: a burst Slack accepts
      await client.chat.update({ channel: 'C0PAYMENTS', ts: posted.ts!, text: `v${i + 1}` });
    }
    // The limit is per method, not per message: another message is refused too.
    await expect(client.chat.update({ channel: 'C0AUDIT', ts: other.ts!, text: 'x' })).rejects.toMatchObject({
      code: ErrorCode.RateLimitedError,
      retryAfter: 56, // the first edit (at +0.1 s) leaves the window at +60.1 s; now is +5 s: 55.1 s, rounded up
    });
    const refused = sim.calls('chat.update').filter((c) => c.status === 429);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.result).toEqual({ ok: false, error: 'ratelimited' });
    expect(sim.message('C0AUDIT', other.ts!)!.text).toBe('other'); // a refused call changes nothing
    // Other methods have their own budgets; so do other channels' posts.
    await expect(
      client.chat.postEphemeral({ channel: 'C0PAYMENTS', user: 'U0BOB', text: 'hi' }),
    ).resolves.toMatchObject({ ok: true });
    now += 55_100; // exactly when the oldest edit leaves the window: one more fits, not two
    await expect(client.chat.update({ channel: 'C0AUDIT', ts: other.ts!, text: 'x' })).resolves.toMatchObject(
      {
        ok: true,
      },
    );
    await expect(client.chat.update({ channel: 'C0AUDIT', ts: other.ts!, text: 'y' })).rejects.toMatchObject({
      code: ErrorCode.RateLimitedError,
    });
  });

  it('Tier 2 (usergroups.users.list): 20 a minute', async () => {
    for (let i = 0; i < 20; i++)
      await client.usergroups.users.list({ usergroup: 'S0SREONCALL' }).catch(() => {});
    await expect(client.usergroups.users.list({ usergroup: 'S0SREONCALL' })).rejects.toMatchObject({
      code: ErrorCode.RateLimitedError,
    });
  });

  it('Tier 4 (chat.postEphemeral): 100 a minute', async () => {
    for (let i = 0; i < 100; i++)
      await client.chat.postEphemeral({ channel: 'C0PAYMENTS', user: 'U0BOB', text: `e${i}` });
    await expect(
      client.chat.postEphemeral({ channel: 'C0PAYMENTS', user: 'U0BOB', text: 'x' }),
    ).rejects.toMatchObject({ code: ErrorCode.RateLimitedError });
  });

  it('chat.postMessage: about one per second per channel, bursts of 10', async () => {
    for (let i = 0; i < 10; i++) await client.chat.postMessage({ channel: 'C0PAYMENTS', text: `m${i}` });
    await expect(client.chat.postMessage({ channel: 'C0PAYMENTS', text: 'x' })).rejects.toMatchObject({
      code: ErrorCode.RateLimitedError,
      retryAfter: 1,
    });
    now += 1000;
    await expect(client.chat.postMessage({ channel: 'C0PAYMENTS', text: 'y' })).resolves.toMatchObject({
      ok: true,
    });
  });
});

describe('chat.update keeps blocks it is not given', () => {
  it('as Slack: no `blocks` keeps them, `blocks: []` removes them', async () => {
    const sim = await startSlackSimulator({
      scenario: await loadScenario(),
      signingSecret: 's',
      botToken: 'xoxb-t',
    });
    try {
      const client = new WebClient('xoxb-t', { slackApiUrl: sim.apiUrl, logger: quietLogger() });
      const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: 'hello *world*' } }];
      const posted = await client.chat.postMessage({ channel: 'C0PAYMENTS', text: 'hello', blocks });
      const kept = await client.chat.update({ channel: 'C0PAYMENTS', ts: posted.ts!, text: 'hello again' });
      expect(kept.message).toMatchObject({ text: 'hello again', blocks: [{ type: 'section' }] });
      expect(sim.message('C0PAYMENTS', posted.ts!)).toMatchObject({
        text: 'hello again',
        blocks: [{ type: 'section', text: { text: 'hello *world*' } }],
      });
      await client.chat.update({ channel: 'C0PAYMENTS', ts: posted.ts!, text: 'plain', blocks: [] });
      expect(sim.message('C0PAYMENTS', posted.ts!)!.blocks).toBeUndefined();
    } finally {
      await sim.close();
    }
  });
});
