import { WebClient, ErrorCode } from '@slack/web-api';
import { loadScenario } from '../../src/scenario/load.js';
import { startSlackSimulator, type SlackSimulator } from '../../src/slack/index.js';
import { quietLogger } from './quiet-logger.js';

describe('Slack Web API methods', () => {
  let sim: SlackSimulator;
  let client: WebClient;
  beforeAll(async () => {
    sim = await startSlackSimulator({
      scenario: await loadScenario(),
      signingSecret: 's',
      botToken: 'xoxb-t',
    });
    client = new WebClient('xoxb-t', {
      slackApiUrl: sim.apiUrl,
      logger: quietLogger(),
      retryConfig: { retries: 0 },
    });
  });
  afterAll(() => sim.close());

  it('posts by channel name, threads with reply_broadcast, links and looks up', async () => {
    const parent = await client.chat.postMessage({ channel: '#rollbot-audit', text: 'parent' });
    expect(parent).toMatchObject({
      ok: true,
      channel: 'C0AUDIT',
      message: { text: 'parent', bot_id: 'B0ROLLBOT' },
    });
    const reply = await client.chat.postMessage({
      channel: 'C0AUDIT',
      thread_ts: parent.ts!,
      text: 'reply',
      reply_broadcast: true,
    });
    expect(sim.replies('C0AUDIT', parent.ts!).map((m) => m.text)).toEqual(['reply']);
    expect(sim.messages('rollbot-audit').map((m) => m.text)).toEqual(['parent', 'reply']);
    const link = await client.chat.getPermalink({ channel: 'C0AUDIT', message_ts: reply.ts! });
    expect(link.permalink).toBe(
      `https://rollbot-sandbox.slack.com/archives/C0AUDIT/p${reply.ts!.replace('.', '')}?thread_ts=${parent.ts}&cid=C0AUDIT`,
    );
    expect((await client.conversations.info({ channel: 'C0AUDIT' })).channel).toMatchObject({
      id: 'C0AUDIT',
      name: 'rollbot-audit',
    });
    expect((await client.users.info({ user: 'U0BOB' })).user).toMatchObject({
      name: 'bob',
      real_name: 'Bob Approver',
    });
    await expect(client.users.info({ user: 'U0NOBODY' })).rejects.toMatchObject({
      data: { error: 'user_not_found' },
    });
    expect((await client.usergroups.users.list({ usergroup: 'S0SREONCALL' })).users).toEqual([
      'U0ALICE',
      'U0BOB',
      'U0ERIN',
    ]);
    await expect(client.usergroups.users.list({ usergroup: 'S0NOPE' })).rejects.toMatchObject({
      data: { error: 'no_such_subteam' },
    });
    expect((await client.usergroups.list({ include_users: true })).usergroups).toHaveLength(2);
    const eph = await client.chat.postEphemeral({ channel: 'C0AUDIT', user: 'U0ALICE', text: 'psst' });
    expect(sim.ephemerals('U0ALICE')[0]).toMatchObject({ ts: eph.message_ts, text: 'psst' });
  });

  it("answers Slack's errors", async () => {
    const userMsg = sim.as('U0CAROL').say('C0PAYMENTS', 'hello');
    await expect(
      client.chat.update({ channel: 'C0PAYMENTS', ts: userMsg.ts, text: 'x' }),
    ).rejects.toMatchObject({
      data: { error: 'cant_update_message' },
    });
    await expect(
      client.chat.update({ channel: 'C0PAYMENTS', ts: '1.000100', text: 'x' }),
    ).rejects.toMatchObject({
      data: { error: 'message_not_found' },
    });
    await expect(
      client.chat.postMessage({ channel: 'C0PAYMENTS', text: 'x'.repeat(40_001) }),
    ).rejects.toMatchObject({
      data: { error: 'msg_too_long' },
    });
    await expect(client.apiCall('chat.unknownThing')).rejects.toMatchObject({
      data: { error: 'unknown_method' },
    });
    const res = await fetch(`${sim.apiUrl}auth.test`, { method: 'POST' });
    expect(await res.json()).toEqual({ ok: false, error: 'not_authed' });
    const asJson = await fetch(`${sim.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: 'Bearer xoxb-t', 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ channel: 'C0PAYMENTS', blocks: [{ type: 'divider' }] }),
    });
    expect(await asJson.json()).toMatchObject({ ok: true, channel: 'C0PAYMENTS' });
  });

  it('injects faults for the next N calls of a method', async () => {
    sim.faults.add({ method: 'chat.update', status: 503, times: 1 });
    sim.faults.add({ method: 'users.info', status: 429, retryAfter: 7 });
    sim.faults.add({ method: 'conversations.info', error: 'fatal_error' });
    const { ts } = await client.chat.postMessage({ channel: 'C0PAYMENTS', text: 'v1' });
    await expect(client.chat.update({ channel: 'C0PAYMENTS', ts: ts!, text: 'v2' })).rejects.toMatchObject({
      code: ErrorCode.HTTPError,
      statusCode: 503,
    });
    await expect(client.chat.update({ channel: 'C0PAYMENTS', ts: ts!, text: 'v2' })).resolves.toMatchObject({
      ok: true,
    });
    const strict = new WebClient('xoxb-t', {
      slackApiUrl: sim.apiUrl,
      logger: quietLogger(),
      rejectRateLimitedCalls: true,
    });
    await expect(strict.users.info({ user: 'U0BOB' })).rejects.toMatchObject({
      code: ErrorCode.RateLimitedError,
      retryAfter: 7,
    });
    await expect(client.conversations.info({ channel: 'C0PAYMENTS' })).rejects.toMatchObject({
      data: { error: 'fatal_error' },
    });
    await expect(client.conversations.info({ channel: 'C0PAYMENTS' })).resolves.toMatchObject({ ok: true });
  });
});
