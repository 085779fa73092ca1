import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import bolt from '@slack/bolt';
import { WebClient, ErrorCode } from '@slack/web-api';
import { loadScenario } from '../../src/scenario/load.js';
import { quietLogger } from './quiet-logger.js';
import {
  sendSigned,
  signSlackRequest,
  startSlackSimulator,
  type SlackSimulator,
} from '../../src/slack/index.js';

const { App } = bolt;
const SECRET = 'sandbox-signing-secret';
const TOKEN = 'xoxb-sandbox-token';

describe('Slack simulator with unmodified Bolt and WebClient', () => {
  let sim: SlackSimulator;
  let app: InstanceType<typeof App>;
  let server: Server;
  let eventsUrl: string;
  const seen: { commands: unknown[]; actions: unknown[] } = { commands: [], actions: [] };

  beforeAll(async () => {
    sim = await startSlackSimulator({
      scenario: await loadScenario(),
      signingSecret: SECRET,
      botToken: TOKEN,
      rateLimit: false,
      // Slack's deadline is 3 s; delivery.test.ts checks it. Here a busy machine must not matter.
      ackTimeoutMs: 30_000,
    });
    app = new App({
      signingSecret: SECRET,
      token: TOKEN,
      logger: quietLogger(),
      clientOptions: { slackApiUrl: sim.apiUrl, logger: quietLogger() },
    });
    app.command('/rollback', async ({ ack, command, respond, client }) => {
      await ack();
      seen.commands.push(command);
      await respond({ response_type: 'ephemeral', text: `Planning rollback of ${command.text}` });
      await client.chat.postMessage({
        channel: command.channel_id,
        text: 'Rollback proposed',
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: 'Rollback proposed: payments-api' } },
          {
            type: 'section',
            text: { type: 'mrkdwn', text: 'Revision 3 → 2, see <https://runbooks.example/p|runbook>' },
          },
          {
            type: 'actions',
            block_id: 'decision',
            elements: [
              {
                type: 'button',
                action_id: 'approve',
                style: 'primary',
                value: 'inc-1',
                text: { type: 'plain_text', text: 'Approve' },
              },
              {
                type: 'button',
                action_id: 'dismiss',
                value: 'inc-1',
                text: { type: 'plain_text', text: 'Dismiss' },
              },
            ],
          },
        ],
      });
    });
    app.action('approve', async ({ ack, body, respond, client }) => {
      await ack();
      seen.actions.push(body);
      const b = body as unknown as {
        container: { channel_id: string; message_ts: string };
        user: { id: string };
      };
      await client.chat.update({
        channel: b.container.channel_id,
        ts: b.container.message_ts,
        text: `Approved by <@${b.user.id}>`,
      });
      await respond({ response_type: 'ephemeral', replace_original: false, text: 'You approved it' });
    });
    server = (await app.start(0)) as Server;
    eventsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
    sim.setEventsUrl(eventsUrl);
  });

  afterAll(async () => {
    await app.stop();
    await sim.close();
  });

  it('answers auth.test at App construction', async () => {
    const auth = await sim.waitFor(() => sim.calls('auth.test')[0]);
    expect(auth.result).toMatchObject({
      ok: true,
      user_id: 'U0ROLLBOT',
      team_id: 'T0SANDBOX',
      bot_id: 'B0ROLLBOT',
    });
  });

  it('delivers a slash command, gets it acked, and receives respond() and chat.postMessage', async () => {
    const res = await sim
      .as('U0ALICE')
      .command('/rollback', 'payments-api to 2', { channel: '#payments-oncall' });
    expect(res.status).toBe(200);
    expect(res.timedOut).toBe(false);
    expect(seen.commands[0]).toMatchObject({
      command: '/rollback',
      text: 'payments-api to 2',
      user_id: 'U0ALICE',
      channel_id: 'C0PAYMENTS',
    });

    const eph = await sim.waitFor(() => sim.ephemerals('U0ALICE').find((e) => e.via === 'response_url'));
    expect(eph.text).toBe('Planning rollback of payments-api to 2');
    const proposal = await sim.waitFor(() =>
      sim.messages('C0PAYMENTS').find((m) => m.text === 'Rollback proposed'),
    );
    expect(proposal.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(sim.transcript('C0PAYMENTS')).toContain('[ Approve ] [ Dismiss ]');
    expect(sim.transcript('C0PAYMENTS')).toContain('runbook (https://runbooks.example/p)');
  });

  it('round-trips a button click: block_actions payload, chat.update with history, response_url', async () => {
    const proposal = sim.messages('C0PAYMENTS').find((m) => m.text === 'Rollback proposed')!;
    const res = await sim
      .as('U0BOB')
      .clickButton({ channel: 'C0PAYMENTS', ts: proposal.ts, actionId: 'approve' });
    expect(res.status).toBe(200);
    const body = seen.actions[0] as Record<string, any>;
    expect(body).toMatchObject({
      type: 'block_actions',
      user: { id: 'U0BOB', username: 'bob', team_id: 'T0SANDBOX' },
      container: { type: 'message', message_ts: proposal.ts, channel_id: 'C0PAYMENTS', is_ephemeral: false },
      channel: { id: 'C0PAYMENTS', name: 'payments-oncall' },
      actions: [{ action_id: 'approve', block_id: 'decision', value: 'inc-1', type: 'button' }],
    });
    expect(body.message.blocks).toHaveLength(3);
    const updated = await sim.waitFor(
      () => sim.message('C0PAYMENTS', proposal.ts)?.edited && sim.message('C0PAYMENTS', proposal.ts),
    );
    expect(updated.text).toBe('Approved by <@U0BOB>');
    expect(updated.history[0]!.text).toBe('Rollback proposed');
    await sim.waitFor(() => sim.ephemerals('U0BOB').find((e) => e.text === 'You approved it'));
    expect(sim.calls('chat.update')[0]!.result).toMatchObject({
      ok: true,
      channel: 'C0PAYMENTS',
      ts: proposal.ts,
    });
  });

  it('exposes the state as JSON under /_sandbox/', async () => {
    const res = await fetch(`${sim.url}/_sandbox/channels/C0PAYMENTS/messages`);
    const json = (await res.json()) as { messages: { text: string; rendered: string }[] };
    expect(json.messages.some((m) => m.text.startsWith('Approved by'))).toBe(true);
  });

  it('has Bolt refuse forged signatures with 401', async () => {
    const body = 'command=%2Frollback&text=x&user_id=U0ALICE';
    const wrong = await sendSigned({ url: eventsUrl, body, secret: 'not-the-secret' });
    expect(wrong.status).toBe(401);
    const stale = await sendSigned({
      url: eventsUrl,
      body,
      secret: SECRET,
      timestamp: Math.floor(Date.now() / 1000) - 600,
    });
    expect(stale.status).toBe(401);
    const dup = await sendSigned({
      url: eventsUrl,
      body,
      secret: SECRET,
      headers: { 'X-Slack-Signature': ['v0=aa', 'v0=bb'] },
    });
    expect(dup.status).toBe(401);
    const missing = await sendSigned({
      url: eventsUrl,
      body,
      secret: SECRET,
      headers: { 'X-Slack-Signature': null },
    });
    expect(missing.status).toBe(401);
    const ts = Math.floor(Date.now() / 1000);
    const v1 = signSlackRequest(SECRET, body, ts, 'v1');
    const wrongVersion = await sendSigned({
      url: eventsUrl,
      body,
      timestamp: ts,
      headers: { 'X-Slack-Signature': v1 },
    });
    expect(wrongVersion.status).toBe(401);
  });

  it('refuses over-limit Block Kit with invalid_blocks', async () => {
    const client = new WebClient(TOKEN, { slackApiUrl: sim.apiUrl, logger: quietLogger() });
    const tooLong = { type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } };
    await expect(
      client.chat.postMessage({ channel: 'C0PAYMENTS', text: 't', blocks: [tooLong] }),
    ).rejects.toMatchObject({
      code: ErrorCode.PlatformError,
      data: { ok: false, error: 'invalid_blocks' },
    });
    const many = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    await expect(
      client.chat.postMessage({ channel: 'C0PAYMENTS', text: 't', blocks: many }),
    ).rejects.toMatchObject({
      data: { error: 'invalid_blocks' },
    });
    await expect(client.chat.postMessage({ channel: 'C0NOPE', text: 't' })).rejects.toMatchObject({
      data: { error: 'channel_not_found' },
    });
    await expect(client.chat.postMessage({ channel: 'C0PAYMENTS' } as never)).rejects.toMatchObject({
      data: { error: 'no_text' },
    });
    const bad = new WebClient('xoxb-wrong', { slackApiUrl: sim.apiUrl, logger: quietLogger() });
    await expect(bad.auth.test()).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
  });
});

describe('Slack simulator rate limits', () => {
  it('answers bursts to one channel with 429 + Retry-After', async () => {
    const sim = await startSlackSimulator({
      scenario: await loadScenario(),
      signingSecret: SECRET,
      botToken: TOKEN,
      rateLimit: { burst: 3, perSecond: 1 },
    });
    try {
      const client = new WebClient(TOKEN, {
        slackApiUrl: sim.apiUrl,
        logger: quietLogger(),
        retryConfig: { retries: 0 },
        rejectRateLimitedCalls: true,
      });
      for (let i = 0; i < 3; i++) await client.chat.postMessage({ channel: 'C0AUDIT', text: `line ${i}` });
      await expect(
        client.chat.postMessage({ channel: 'C0AUDIT', text: 'one too many' }),
      ).rejects.toMatchObject({
        code: ErrorCode.RateLimitedError,
        retryAfter: 1,
      });
      // Other channels have their own budget.
      await expect(client.chat.postMessage({ channel: 'C0PAYMENTS', text: 'fine' })).resolves.toMatchObject({
        ok: true,
      });
      const limited = sim.calls('chat.postMessage').filter((c) => c.status === 429);
      expect(limited).toHaveLength(1);
      expect(limited[0]!.result).toEqual({ ok: false, error: 'ratelimited' });
    } finally {
      await sim.close();
    }
  });
});
