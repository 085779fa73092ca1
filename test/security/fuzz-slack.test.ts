/**
 * Property-based fuzzing of the Slack edge against a running app over real HTTP, every request
 * correctly signed (so it gets past the signature check and into parsing): slash-command forms
 * with arbitrary fields, `/rollback` with arbitrary text, interaction payloads with garbled fields
 * (missing user, wrong types, huge strings, unknown action ids, non-existent incidents), and raw
 * bodies. Contract: acked 200 (and for a well-formed request, the person gets a reply they can
 * read), or a 4xx with a JSON reason; never a 5xx, never a silent 3 s timeout.
 */
import fc from 'fast-check';
import { sendSigned } from '@rollbot/sandbox/slack';
import { validateBlocks } from '@rollbot/sandbox/slack';
import { startBot, type Bot } from '../helpers/bot.js';
import { FUZZ_BUDGET } from './fuzz-budget.js';
import { expectAnswered, mutated, weirdJson } from './mutate.js';

describe('Slack edge fuzz (running app, signed requests)', () => {
  let bot: Bot;
  let secret: string;
  let template: Record<string, unknown>;
  beforeAll(async () => {
    bot = await startBot();
    secret = bot.world.secrets.signingSecret;
    // A real proposal to click on; the template payload points at an incident that does not exist.
    expect((await bot.fireAlert()).status).toBe(200);
    const proposed = await bot.waitIncident('payments-api', (i) => Boolean(i.slack?.ts));
    const click = await bot.world.slackSim.as('U0CAROL').clickButton({
      channel: 'C0PAYMENTS',
      ts: proposed.slack!.ts,
      actionId: 'rollback_approve',
      value: 'inc-does-not-exist',
    });
    expect(click.status).toBe(200);
    template = click.payload;
  });
  afterAll(async () => bot?.close());

  const send = (body: string, contentType = 'application/x-www-form-urlencoded') =>
    sendSigned({ url: `${bot.url}/slack/events`, body, contentType, secret, timeoutMs: 3500 });
  const sim = () => bot.world.slackSim;
  const proposalTs = async () =>
    (await bot.waitIncident('payments-api', (i) => Boolean(i.slack?.ts))).slack!.ts;

  /** The person who acted got a reply Slack accepted (valid blocks, within limits). */
  async function expectReply(responseUrl: string, what: string) {
    const post = await sim()
      .waitFor(
        () =>
          sim()
            .responses()
            .find((r) => r.url === responseUrl),
        5000,
      )
      .catch(() => undefined);
    if (!post) throw new Error(`${what}: the user got no reply`);
    if (post.status !== 200)
      throw new Error(`${what}: Slack refused the reply (${post.status} ${JSON.stringify(post.result)})`);
    const blocks = (post.body as { blocks?: unknown }).blocks;
    if (blocks !== undefined) expect(validateBlocks(blocks)).toEqual([]);
  }

  const field = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.constantFrom(
      '',
      'U0BOB',
      'C0PAYMENTS',
      '/rollback',
      'x'.repeat(50_000),
      '__proto__',
      'constructor',
      'T0ACME',
    ),
  );
  test(`slash-command forms with arbitrary fields (${FUZZ_BUDGET.slackCommandForms} cases)`, async () => {
    let runs = 0;
    const form = fc.record(
      {
        command: fc.oneof(fc.constant('/rollback'), fc.constant('/deploy'), field),
        text: fc.oneof(
          fc.constantFrom('help', 'status', 'payments-api to 999', 'history payments-api'),
          field,
        ),
        user_id: field,
        user_name: field,
        channel_id: field,
        response_url: fc.oneof(fc.constant('RESPONSE_URL'), field),
        trigger_id: field,
        team_id: field,
        extra: field,
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(form, async (fields) => {
        runs++;
        const values = Object.fromEntries(
          Object.entries(fields).map(([k, v]) => [
            k,
            v === 'RESPONSE_URL' ? `${sim().url}/hooks/commands/T0ACME/1/fuzz` : v,
          ]),
        );
        const res = await send(new URLSearchParams(values).toString());
        expectAnswered(res, `command ${JSON.stringify(values).slice(0, 200)}`);
        if (res.status === 200 && values.command !== '/rollback') expect(res.text).toContain('only answers');
      }),
      { numRuns: FUZZ_BUDGET.slackCommandForms },
    );
    expect(runs).toBe(FUZZ_BUDGET.slackCommandForms);
  });

  test(`/rollback with arbitrary text: acked, and the person always gets a readable reply (${FUZZ_BUDGET.slackCommandText} cases)`, async () => {
    let runs = 0;
    const text = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 60 }),
      fc.string({ minLength: 2900, maxLength: 4000 }),
      fc.constantFrom(
        '<!channel> ping',
        '*bold* `code` <https://evil.example|click>',
        'status nope',
        'history checkout-web',
        'payments-api to 0',
        'payments-api to 99999999999999999999',
        'payments-api --emergency',
        'cancel zzz',
      ),
      fc.stringMatching(/^[a-z-]{1,40} to [0-9a-z.]{1,20} because .{0,600}$/),
    );
    await fc.assert(
      fc.asyncProperty(text, async (t) => {
        runs++;
        const res = await sim().as('U0CAROL').command('/rollback', t, { channel: 'C0PAYMENTS' });
        expect(res.status).toBe(200);
        await expectReply(res.responseUrl, `/rollback ${JSON.stringify(t.slice(0, 100))}`);
      }),
      { numRuns: FUZZ_BUDGET.slackCommandText },
    );
    expect(runs).toBe(FUZZ_BUDGET.slackCommandText);
  });

  test(`garbled interaction payloads (${FUZZ_BUDGET.slackInteractions} cases)`, async () => {
    let runs = 0;
    const payload = fc.oneof(
      { weight: 6, arbitrary: mutated(template, 4).map((p) => JSON.stringify(p) ?? 'null') },
      { weight: 1, arbitrary: weirdJson.map((p) => JSON.stringify(p) ?? '') },
      { weight: 1, arbitrary: fc.string({ maxLength: 100 }) },
      {
        weight: 2,
        arbitrary: fc
          .tuple(
            fc.oneof(
              fc.constantFrom('rollback_approve', 'rollback_dismiss', 'rollback_cancel', '', 'x'.repeat(300)),
              fc.string(),
            ),
            weirdJson,
          )
          .map(([actionId, value]) =>
            JSON.stringify({
              ...template,
              actions: [{ ...(template.actions as object[])[0], action_id: actionId, value }],
            }),
          ),
      },
    );
    await fc.assert(
      fc.asyncProperty(payload, async (p) => {
        runs++;
        const res = await send(new URLSearchParams({ payload: p }).toString());
        expectAnswered(res, `payload ${p.slice(0, 300)}`);
      }),
      { numRuns: FUZZ_BUDGET.slackInteractions },
    );
    expect(runs).toBe(FUZZ_BUDGET.slackInteractions);
  });

  test(`real clicks with forged values (non-existent incidents): acked, with a reply (${FUZZ_BUDGET.slackClicksForgedValue} cases)`, async () => {
    let runs = 0;
    const ts = await proposalTs();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('rollback_approve', 'rollback_dismiss'),
        fc.oneof(
          fc.string({ maxLength: 40 }),
          fc.constantFrom('', ' ', 'inc_', '../../etc/passwd', '{{ env.SLACK_BOT_TOKEN }}', 'x'.repeat(1999)),
          fc.uuid().map((u) => `inc_${u}`),
        ),
        async (actionId, value) => {
          runs++;
          const res = await sim().as('U0CAROL').clickButton({ channel: 'C0PAYMENTS', ts, actionId, value });
          expect(res.status).toBe(200);
          await expectReply(res.responseUrl, `${actionId} ${JSON.stringify(value.slice(0, 100))}`);
        },
      ),
      { numRuns: FUZZ_BUDGET.slackClicksForgedValue },
    );
    expect(runs).toBe(FUZZ_BUDGET.slackClicksForgedValue);
    // nothing was approved or dismissed by the forged clicks
    expect((await bot.waitIncident('payments-api', () => true)).state).toBe('proposed');
  });

  test(`raw signed bodies of any content type (${FUZZ_BUDGET.slackRawBodies} cases)`, async () => {
    let runs = 0;
    const bodies = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
      fc.constantFrom(
        '',
        'payload=',
        'payload=%7B',
        'payload=null',
        'payload=%5B%5D',
        'ssl_check=1',
        '{"type":"url_verification","challenge":"c"}',
        '{"type":"event_callback","event":{}}',
        'a=%ZZ',
        '&&&=&',
        'payload=1&payload=2',
      ),
      fc
        .dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 20 }))
        .map((d) => new URLSearchParams(d).toString()),
    );
    const type = fc.constantFrom(
      'application/x-www-form-urlencoded',
      'application/json',
      'application/json; charset=utf-8',
      'text/plain',
      '',
    );
    await fc.assert(
      fc.asyncProperty(bodies, type, async (b, t) => {
        runs++;
        const res = await send(b, t);
        expectAnswered(res, `${t} ${JSON.stringify(b.slice(0, 200))}`);
      }),
      { numRuns: FUZZ_BUDGET.slackRawBodies },
    );
    expect(runs).toBe(FUZZ_BUDGET.slackRawBodies);
  });

  // Found by the form fuzz: Bolt looks up a client pool by team id, and `__proto__` made it throw (500).
  test.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    'team id %s is refused with a reason, not a 500',
    async (teamId) => {
      const command = new URLSearchParams({
        command: '/rollback',
        text: 'help',
        user_id: 'U0BOB',
        channel_id: 'C0PAYMENTS',
        team_id: teamId,
        response_url: `${sim().url}/hooks/x`,
      });
      const click = JSON.stringify({
        ...template,
        team: { id: teamId },
        user: { ...(template.user as object), team_id: teamId },
      });
      for (const res of [
        await send(command.toString()),
        await send(new URLSearchParams({ payload: click }).toString()),
      ]) {
        expect(res.status).toBe(400);
        expect((JSON.parse(res.text) as { reason: string }).reason).toMatch(/Slack id/);
      }
    },
  );

  test('after the fuzz: healthy, no handler crashed, the audit chain verifies', async () => {
    expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
    await bot.app.idle();
    expect(await bot.app.audit.verify()).toMatchObject({ ok: true });
    expect(
      bot.logs.filter((l) => /not acknowledged within 3 seconds|unhandled error occurred/.test(l)),
    ).toEqual([]);
  });
});
