/**
 * Property-based fuzzing of the alert webhooks against a running app over real HTTP: mutated
 * Alertmanager / Grafana / generic payloads (correctly authenticated, so they reach the parser),
 * random JSON, garbage bytes, and forged or odd headers. Every answer is a 2xx or a 4xx with a
 * JSON reason, never a 5xx, never a secret; the process keeps serving.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { signRollbot } from '../../src/alerts/auth.js';
import { alertmanagerPayload } from '../../src/cli/sandbox/story/alert-payload.js';
import { startBot, type Bot } from '../helpers/bot.js';
import { FUZZ_BUDGET } from './fuzz-budget.js';
import { expectAnswered, mutated, rawPost, type RawResponse } from './mutate.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../alerts/fixtures/${name}.json`, import.meta.url), 'utf8')) as unknown;

const body = (base: unknown) =>
  fc.oneof(
    { weight: 6, arbitrary: mutated(base).map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
    { weight: 1, arbitrary: fc.constant(JSON.stringify(base)) },
  );

describe('alert webhook fuzz (running app, real HTTP)', () => {
  let bot: Bot;
  let secrets: Bot['world']['secrets'];
  beforeAll(async () => {
    bot = await startBot();
    secrets = bot.world.secrets;
  });
  afterAll(async () => bot?.close());

  const check = (res: RawResponse, what: string) => {
    expectAnswered(res, what);
    for (const s of [
      secrets.alertmanagerToken,
      secrets.grafanaToken,
      secrets.genericSecret,
      secrets.signingSecret,
    ]) {
      if (res.text.includes(s)) throw new Error(`${what}: the answer contains a secret`);
    }
  };

  test(`Alertmanager bodies (${FUZZ_BUDGET.webhookAlertmanager} cases)`, async () => {
    let runs = 0;
    const base = alertmanagerPayload({ service: 'payments-api', namespace: 'payments' });
    await fc.assert(
      fc.asyncProperty(body(fixture('alertmanager-mixed')), body(base), fc.boolean(), async (a, b, which) => {
        runs++;
        const res = await rawPost(`${bot.url}/webhooks/alertmanager`, which ? a : b, {
          'content-type': 'application/json',
          authorization: `Bearer ${secrets.alertmanagerToken}`,
        });
        check(res, 'alertmanager');
      }),
      { numRuns: FUZZ_BUDGET.webhookAlertmanager },
    );
    expect(runs).toBe(FUZZ_BUDGET.webhookAlertmanager);
  });

  test(`Grafana bodies (${FUZZ_BUDGET.webhookGrafana} cases)`, async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(body(fixture('grafana-firing')), body(fixture('grafana-legacy'))),
        async (text) => {
          runs++;
          const res = await rawPost(`${bot.url}/webhooks/grafana`, text, {
            'content-type': 'application/json',
            authorization: `Bearer ${secrets.grafanaToken}`,
          });
          check(res, 'grafana');
        },
      ),
      { numRuns: FUZZ_BUDGET.webhookGrafana },
    );
    expect(runs).toBe(FUZZ_BUDGET.webhookGrafana);
  });

  test(`generic (HMAC-signed) bodies (${FUZZ_BUDGET.webhookGeneric} cases)`, async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(body(fixture('generic-firing')), async (text) => {
        runs++;
        const ts = Math.floor(Date.now() / 1000);
        const res = await rawPost(`${bot.url}/webhooks/generic`, text, {
          'content-type': 'application/json',
          'x-rollbot-timestamp': String(ts),
          'x-rollbot-signature': signRollbot(secrets.genericSecret, ts, text),
        });
        check(res, 'generic');
      }),
      { numRuns: FUZZ_BUDGET.webhookGeneric },
    );
    expect(runs).toBe(FUZZ_BUDGET.webhookGeneric);
  });

  test(`forged and odd headers on every source (${FUZZ_BUDGET.webhookHeaders} cases)`, async () => {
    let runs = 0;
    const headerValue = fc.oneof(
      fc.stringMatching(/^[\x20-\x7e]{0,80}$/),
      fc.constantFrom(
        '',
        ' ',
        'Bearer',
        'Bearer ',
        'Basic',
        'Basic !!!',
        'Basic Og==',
        'v1=',
        'v1=zz',
        '0',
        '-1',
        '99999999999999',
      ),
    );
    const contentType = fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'APPLICATION/JSON',
      'text/plain',
      'application/x-www-form-urlencoded',
      '',
      'application/jsonx',
      'multipart/form-data; boundary=x',
    );
    const auth = fc.oneof(
      fc.constantFrom('valid', 'basic-valid', 'none'),
      headerValue,
      fc.array(headerValue, { minLength: 2, maxLength: 3 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('alertmanager', 'grafana', 'generic'),
        contentType,
        fc.constantFrom(undefined, 'gzip', 'identity', 'br, gzip'),
        auth,
        fc.option(fc.integer({ min: -100_000, max: 100_000 })),
        fc.option(headerValue),
        fc.oneof(
          fc.constant(
            JSON.stringify(alertmanagerPayload({ service: 'payments-api', namespace: 'payments' })),
          ),
          fc.string({ maxLength: 100 }),
        ),
        async (source, type, encoding, authValue, skew, forgedSig, text) => {
          runs++;
          const headers: Record<string, string | string[]> = { 'content-type': type };
          if (encoding) headers['content-encoding'] = encoding;
          const token = source === 'grafana' ? secrets.grafanaToken : secrets.alertmanagerToken;
          if (authValue === 'valid') headers.authorization = `Bearer ${token}`;
          else if (authValue === 'basic-valid')
            headers.authorization = `Basic ${Buffer.from(`u:${token}`).toString('base64')}`;
          else if (authValue !== 'none') headers.authorization = authValue;
          if (skew !== null) headers['x-rollbot-timestamp'] = String(Math.floor(Date.now() / 1000) + skew);
          if (forgedSig !== null) headers['x-rollbot-signature'] = forgedSig;
          else if (skew !== null)
            headers['x-rollbot-signature'] = signRollbot(
              secrets.genericSecret,
              Math.floor(Date.now() / 1000) + skew,
              text,
            );
          const res = await rawPost(`${bot.url}/webhooks/${source}`, text, headers);
          check(res, `${source} headers ${JSON.stringify(headers).slice(0, 200)}`);
        },
      ),
      { numRuns: FUZZ_BUDGET.webhookHeaders },
    );
    expect(runs).toBe(FUZZ_BUDGET.webhookHeaders);
  });

  test('after the fuzz the app is healthy and the audit chain verifies', async () => {
    const health = await fetch(`${bot.url}/healthz`);
    expect(health.status).toBe(200);
    await bot.app.idle();
    expect(await bot.app.audit.verify()).toMatchObject({ ok: true });
    expect(bot.logs.filter((l) => l.includes('"level":"fatal"'))).toEqual([]);
    expect(bot.logs.filter((l) => l.includes('alert webhook handler failed'))).toEqual([]);
  });
});
