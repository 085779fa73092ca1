/**
 * The Slack signature matrix against a running app's /slack/events over real HTTP: every forged,
 * stale, future, tampered or malformed request is refused with 401 and a reason, and nothing runs
 * (no incident, no audit record, no Slack reply). The valid request is accepted; Slack's
 * published test vector passes our verifier.
 */
import { sendSigned, signSlackRequest } from '@rollbot/sandbox/slack';
import { verifySlackSignature } from '../../src/http/slack-signature.js';
import { startBot, type Bot } from '../helpers/bot.js';

// api.slack.com/authentication/verifying-requests-from-slack
const VECTOR = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: 1531420618,
  body:
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V' +
    '&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=' +
    '&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN' +
    '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};

describe("Slack's published test vector", () => {
  const headers = {
    'x-slack-signature': VECTOR.signature,
    'x-slack-request-timestamp': String(VECTOR.timestamp),
  };
  test('verifies at its own time', () => {
    expect(
      verifySlackSignature(VECTOR.secret, headers, Buffer.from(VECTOR.body), VECTOR.timestamp * 1000),
    ).toEqual({ ok: true });
  });
  test('is refused 301 s later, and with one byte changed', () => {
    expect(
      verifySlackSignature(VECTOR.secret, headers, Buffer.from(VECTOR.body), (VECTOR.timestamp + 301) * 1000),
    ).toMatchObject({ ok: false });
    expect(
      verifySlackSignature(VECTOR.secret, headers, Buffer.from(VECTOR.body + 'x'), VECTOR.timestamp * 1000),
    ).toMatchObject({
      ok: false,
      reason: 'signature mismatch',
    });
  });
});

describe('/slack/events signature matrix (real HTTP, running app)', () => {
  let bot: Bot;
  let secret: string;
  // A command that would open a proposal if it ran: anything executing is visible.
  const body = () =>
    new URLSearchParams({
      token: 'sandboxVerificationToken',
      team_id: 'T0ACME',
      channel_id: 'C0PAYMENTS',
      user_id: 'U0ALICE',
      user_name: 'alice',
      command: '/rollback',
      text: 'payments-api because signature matrix',
      response_url: `${bot.world.slackSim.url}/hooks/commands/T0ACME/1/forged`,
      trigger_id: '1.2.3',
    }).toString();
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    bot = await startBot();
    secret = bot.world.secrets.signingSecret;
  });
  afterAll(async () => bot?.close());

  type Case = { name: string; send: () => ReturnType<typeof sendSigned>; reason: RegExp };
  const url = () => `${bot.url}/slack/events`;
  const cases: Case[] = [
    {
      name: 'wrong secret',
      send: () => sendSigned({ url: url(), body: body(), secret: 'not-the-signing-secret' }),
      reason: /mismatch/,
    },
    {
      name: 'stale timestamp (301 s past)',
      send: () => sendSigned({ url: url(), body: body(), secret, timestamp: now() - 301 }),
      reason: /away from now/,
    },
    {
      name: 'stale timestamp (1 day past)',
      send: () => sendSigned({ url: url(), body: body(), secret, timestamp: now() - 86_400 }),
      reason: /away from now/,
    },
    {
      name: 'future timestamp (301 s ahead)',
      send: () => sendSigned({ url: url(), body: body(), secret, timestamp: now() + 301 }),
      reason: /away from now/,
    },
    {
      name: 'tampered body (signed one text, sent another)',
      send: () => {
        const ts = now();
        const b = body();
        return sendSigned({
          url: url(),
          body: b.replace('because', 'becausX'),
          timestamp: ts,
          headers: { 'X-Slack-Signature': signSlackRequest(secret, b, ts) },
        });
      },
      reason: /mismatch/,
    },
    { name: 'missing signature', send: () => sendSigned({ url: url(), body: body() }), reason: /missing/ },
    {
      name: 'missing timestamp',
      send: () =>
        sendSigned({ url: url(), body: body(), secret, headers: { 'X-Slack-Request-Timestamp': null } }),
      reason: /missing/,
    },
    {
      name: 'duplicated signature header',
      send: () => {
        const ts = now();
        const sig = signSlackRequest(secret, body(), ts);
        return sendSigned({
          url: url(),
          body: body(),
          timestamp: ts,
          headers: { 'X-Slack-Signature': [sig, sig] },
        });
      },
      reason: /duplicated/,
    },
    {
      name: 'duplicated timestamp header',
      send: () => {
        const ts = now();
        return sendSigned({
          url: url(),
          body: body(),
          secret,
          timestamp: ts,
          headers: { 'X-Slack-Request-Timestamp': [String(ts), String(ts)] },
        });
      },
      reason: /duplicated/,
    },
    {
      name: 'wrong version prefix (v1=)',
      send: () => {
        const ts = now();
        return sendSigned({
          url: url(),
          body: body(),
          timestamp: ts,
          headers: { 'X-Slack-Signature': signSlackRequest(secret, body(), ts, 'v1') },
        });
      },
      reason: /version/,
    },
    {
      name: 'non-numeric timestamp (signed over it)',
      send: () => {
        const b = body();
        const ts = 'abc';
        const mac = signSlackRequest(secret, b, ts as unknown as number);
        return sendSigned({
          url: url(),
          body: b,
          headers: { 'X-Slack-Request-Timestamp': ts, 'X-Slack-Signature': mac },
        });
      },
      reason: /Unix time/,
    },
    {
      name: 'timestamp with a fraction',
      send: () => {
        const ts = `${now()}.5`;
        return sendSigned({
          url: url(),
          body: body(),
          headers: {
            'X-Slack-Request-Timestamp': ts,
            'X-Slack-Signature': signSlackRequest(secret, body(), ts as unknown as number),
          },
        });
      },
      reason: /Unix time/,
    },
    { name: 'empty body, unsigned', send: () => sendSigned({ url: url(), body: '' }), reason: /missing/ },
    {
      name: 'empty body, signed with another secret',
      send: () => sendSigned({ url: url(), body: '', secret: 'nope' }),
      reason: /mismatch/,
    },
    {
      name: 'empty signature value',
      send: () => sendSigned({ url: url(), body: body(), headers: { 'X-Slack-Signature': '' } }),
      reason: /version|missing/,
    },
    {
      name: 'signature without hex',
      send: () => sendSigned({ url: url(), body: body(), headers: { 'X-Slack-Signature': 'v0=' } }),
      reason: /mismatch/,
    },
  ];

  test.each(cases.map((c) => [c.name, c] as const))(
    '%s → 401 with a reason, nothing executed',
    async (_name, c) => {
      const before = bot.logs.length;
      const res = await c.send();
      expect(res.status).toBe(401);
      expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
      const json = JSON.parse(res.text) as { error: string; reason: string };
      expect(json.error).toBe('invalid_signature');
      expect(json.reason).toMatch(c.reason);
      await bot.app.idle();
      expect(await bot.app.repo.active()).toEqual([]);
      expect(await bot.app.audit.read({})).toEqual([]);
      expect(bot.world.slackSim.responses()).toEqual([]);
      expect(bot.world.slackSim.calls('chat.postMessage')).toEqual([]);
      // the refusal is logged with its reason, and the log line does not carry the signature
      const refusal = bot.logs.slice(before).find((l) => l.includes('refused a Slack request'));
      expect(refusal).toBeDefined();
    },
  );

  test('a validly signed but empty body is refused with a 4xx and a reason, nothing executed', async () => {
    const res = await sendSigned({ url: url(), body: '', secret });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect((JSON.parse(res.text) as { reason: string }).reason).toEqual(expect.any(String));
    await bot.app.idle();
    expect(await bot.app.repo.active()).toEqual([]);
    expect(await bot.app.audit.read({})).toEqual([]);
  });

  test('the correctly signed request is accepted (and only then something happens)', async () => {
    const res = await bot.world.slackSim
      .as('U0ALICE')
      .command('/rollback', 'payments-api because signature matrix', { channel: 'C0PAYMENTS' });
    expect(res.status).toBe(200);
    const incident = await bot.waitIncident('payments-api', (i) => Boolean(i.slack?.ts));
    expect(incident.state).toBe('proposed');
    // 299 s of skew either way is still inside the window
    for (const skew of [-299, 299]) {
      const r = await sendSigned({
        url: url(),
        body: new URLSearchParams({
          command: '/rollback',
          text: 'help',
          user_id: 'U0ALICE',
          channel_id: 'C0PAYMENTS',
          response_url: res.responseUrl,
        }).toString(),
        secret,
        timestamp: now() + skew,
      });
      expect(r.status).toBe(200);
    }
  });
});
