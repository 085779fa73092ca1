/**
 * Socket Mode end to end: the bot (Bolt's SocketModeReceiver, i.e. @slack/socket-mode over
 * undici's WebSocket) opens its connection through the Slack simulator's
 * `apps.connections.open` with the app-level token, gets `hello`, and every slash command and
 * click arrives as an envelope that it acks by `envelope_id` — the approval flow, a refusal,
 * and Slack recycling the connection (`disconnect`, reconnect) included.
 */
import { jest } from '@jest/globals';
import { type Bot, startBot } from '../helpers/bot.js';
import { until } from '../helpers/infra/daemon.js';
import { incidentUntil, proposalMessages, waitTold } from '../helpers/slack-e2e.js';

jest.setTimeout(60_000);

describe('Socket Mode', () => {
  let bot: Bot;
  beforeAll(async () => {
    bot = await startBot({ socketMode: true });
    await until('the Socket Mode connection', () => bot.world.slackSim.socketMode.connected);
  });
  afterAll(async () => {
    await bot?.close();
  });

  test('apps.connections.open takes only the app-level token', async () => {
    const open = (token: string) =>
      fetch(`${bot.world.slackSim.apiUrl}apps.connections.open`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      }).then((r) => r.json());
    expect(await open(bot.world.secrets.botToken)).toEqual({ ok: false, error: 'not_allowed_token_type' });
    expect(await open('xapp-1-someone-else')).toEqual({ ok: false, error: 'invalid_auth' });
    const ok = (await open(bot.world.secrets.appToken!)) as { ok: boolean; url: string };
    expect(ok.ok).toBe(true);
    expect(ok.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=[0-9a-f-]+&app_id=A0ROLLBOT$/);
    const hello = bot.world.slackSim.socketMode.log.find((e) => e.message.type === 'hello');
    expect(hello?.message).toMatchObject({ type: 'hello', connection_info: { app_id: 'A0ROLLBOT' } });
  });

  test('proposal → a refused click → reconnect → approve → rollback, every delivery acked over the socket', async () => {
    const sim = bot.world.slackSim;
    expect((await bot.fireAlert()).status).toBe(200);
    const proposal = await until('the proposal', () =>
      proposalMessages(bot, 'C0PAYMENTS').find((m) =>
        JSON.stringify(m.blocks ?? []).includes('rollback_approve'),
      ),
    );

    // Carol is no approver: refused privately, and the envelope was acked.
    const refused = await sim
      .as('U0CAROL')
      .clickButton({ channel: 'C0PAYMENTS', ts: proposal.ts, actionId: 'rollback_approve' });
    expect(refused.status).toBe(200);
    await waitTold(bot, 'U0CAROL', /may approve|not an approver|cannot approve/i);

    // Slack recycles the connection: the client reconnects through apps.connections.open.
    const hellos = () => sim.socketMode.log.filter((e) => e.message.type === 'hello').length;
    const before = hellos();
    sim.socketMode.requestReconnect();
    await until(
      'a new hello after the disconnect',
      () => hellos() > before && sim.socketMode.connected,
      30_000,
    );

    const click = await sim
      .as('U0BOB')
      .clickButton({ channel: 'C0PAYMENTS', ts: proposal.ts, actionId: 'rollback_approve' });
    expect(click.status).toBe(200);
    expect(click.timedOut).toBe(false);
    const incident = await bot.waitIncident('payments-api', (i) => i.state !== 'proposed');
    const done = await incidentUntil(
      bot,
      incident.id,
      (i) => i.state === 'succeeded' || i.state === 'failed',
      40_000,
    );
    expect(done.state).toBe('succeeded');
    expect(done.approvals.map((a) => a.id)).toEqual(['U0BOB']);

    // Each interactive envelope got exactly one ack with its envelope_id.
    const sent = sim.socketMode.log.filter((e) => e.direction === 'sent' && e.message.type === 'interactive');
    expect(sent).toHaveLength(2);
    for (const s of sent) {
      expect(s.message).toMatchObject({ accepts_response_payload: true, retry_attempt: 0 });
      const acks = sim.socketMode.log.filter(
        (e) => e.direction === 'received' && e.message.envelope_id === s.message.envelope_id,
      );
      expect(acks).toHaveLength(1);
    }
  });

  test('a slash command arrives as a slash_commands envelope and is answered', async () => {
    const sim = bot.world.slackSim;
    const reply = await sim.as('U0ALICE').command('/rollback', 'help', { channel: 'C0PAYMENTS' });
    expect(reply.status).toBe(200);
    const envelope = sim.socketMode.log.filter((e) => e.message.type === 'slash_commands').at(-1)!;
    expect(envelope.message.payload).toMatchObject({
      command: '/rollback',
      text: 'help',
      user_id: 'U0ALICE',
    });
    await waitTold(bot, 'U0ALICE', /\/rollback/);
  });
});
