import { signRollbot } from '../../src/alerts/auth.js';
import { fingerprintOf } from '../../src/alerts/alert.js';
import { fixtureText, nowSeconds, post, SECRET, startWebhook, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startWebhook('generic', { scheme: 'rollbot-hmac', secrets: [SECRET] });
});
afterEach(() => h.close());

function signed(body: string, opts: { secret?: string; ts?: number } = {}) {
  const ts = opts.ts ?? nowSeconds(h.clock);
  return {
    'X-Rollbot-Timestamp': String(ts),
    'X-Rollbot-Signature': signRollbot(opts.secret ?? SECRET, ts, body),
  };
}

describe('generic signed webhook', () => {
  test('a validly signed payload is accepted and mapped', async () => {
    const body = fixtureText('generic-firing');
    const res = await post(h.url, body, signed(body));
    expect(res).toMatchObject({ status: 200, json: { status: 'accepted', alerts: 1 } });
    const batch = h.batches[0]!;
    expect(batch).toMatchObject({ source: 'generic', groupKey: 'deploy-watch/payments', receiver: 'ci' });
    const alert = batch.alerts[0]!;
    expect(alert).toMatchObject({
      source: 'generic',
      status: 'firing',
      groupKey: 'deploy-watch/payments',
      summary: 'payments smoke test failing after deploy 1.4.3',
      runbookURL: 'https://runbooks.example.com/payments/smoke',
      startsAt: '2026-01-01T09:59:30.000Z',
      fingerprint: fingerprintOf({ service: 'payments', env: 'production', alertname: 'SmokeTestFailed' }),
    });
  });

  test('defaults: status firing, startsAt = received time, groupKey = fingerprint', async () => {
    const body = JSON.stringify({ alerts: [{ labels: { service: 'payments' } }] });
    const res = await post(h.url, body, signed(body));
    expect(res.status).toBe(200);
    const alert = h.batches[0]!.alerts[0]!;
    expect(alert.status).toBe('firing');
    expect(alert.startsAt).toBe(new Date(h.clock.now()).toISOString());
    expect(alert.groupKey).toBe(alert.fingerprint);
    expect(h.batches[0]!.groupKey).toBe(alert.fingerprint);
    expect(alert.summary).toBe('alert');
  });

  test('fingerprint does not depend on label order', () => {
    expect(fingerprintOf({ a: '1', b: '2' })).toBe(fingerprintOf({ b: '2', a: '1' }));
    expect(fingerprintOf({ a: '1', b: '2' })).not.toBe(fingerprintOf({ a: '1', b: '3' }));
  });

  test('a signature is valid within 5 minutes either way, not beyond', async () => {
    const body = fixtureText('generic-firing');
    const now = nowSeconds(h.clock);
    expect((await post(h.url, body, signed(body, { ts: now - 300 }))).status).toBe(200);
    expect((await post(h.url, body, signed(body, { ts: now + 300 }))).status).toBe(200);
    const stale = await post(h.url, body, signed(body, { ts: now - 301 }));
    expect(stale).toMatchObject({ status: 401, json: { error: 'unauthorized' } });
    expect(stale.json['reason']).toContain('301 s old');
    const future = await post(h.url, body, signed(body, { ts: now + 301 }));
    expect(future.status).toBe(401);
    expect(future.json['reason']).toContain('in the future');
  });

  test('the clock is the injected one', async () => {
    const body = fixtureText('generic-firing');
    const headers = signed(body);
    h.clock.advance(6 * 60 * 1000);
    expect((await post(h.url, body, headers)).status).toBe(401);
  });

  test('tampered body, wrong secret, reused signature with another timestamp: 401', async () => {
    const body = fixtureText('generic-firing');
    const headers = signed(body);
    const tampered = body.replace('payments', 'checkout');
    expect((await post(h.url, tampered, headers)).json['reason']).toBe('signature does not match');
    const wrong = await post(h.url, body, signed(body, { secret: 'not-the-secret-0123456789' }));
    expect(wrong.json['reason']).toBe('signature does not match');
    const moved = await post(h.url, body, {
      ...headers,
      'X-Rollbot-Timestamp': String(nowSeconds(h.clock) - 1),
    });
    expect(moved.status).toBe(401);
    expect(JSON.stringify(h.logs)).not.toContain(SECRET);
    expect(h.batches).toHaveLength(0);
  });

  test.each([
    ['no signature', { 'X-Rollbot-Timestamp': '1' }, 'missing X-Rollbot-Signature header'],
    ['no timestamp', { 'X-Rollbot-Signature': 'v1=00' }, 'missing X-Rollbot-Timestamp header'],
    [
      'timestamp in ms',
      { 'X-Rollbot-Signature': 'v1=00', 'X-Rollbot-Timestamp': '17672256000001' },
      'unix seconds',
    ],
    ['signature not v1', { 'X-Rollbot-Signature': 'sha256=00', 'X-Rollbot-Timestamp': 'NOW' }, 'v1=<hex'],
  ])('%s: 401 with a reason', async (_name, headers, reason) => {
    const h2 = headers as Record<string, string>;
    if (h2['X-Rollbot-Timestamp'] === 'NOW') h2['X-Rollbot-Timestamp'] = String(nowSeconds(h.clock));
    const res = await post(h.url, fixtureText('generic-firing'), h2);
    expect(res.status).toBe(401);
    expect(res.json['reason']).toContain(reason);
  });

  test('rotation: either of two secrets, or two v1= entries', async () => {
    await h.close();
    h = await startWebhook('generic', {
      scheme: 'rollbot-hmac',
      secrets: [SECRET, 'next-secret-0123456789abcdef'],
    });
    const body = fixtureText('generic-firing');
    expect((await post(h.url, body, signed(body, { secret: 'next-secret-0123456789abcdef' }))).status).toBe(
      200,
    );
    const ts = nowSeconds(h.clock);
    const both = `${signRollbot('retired-secret-0123456789', ts, body)}, ${signRollbot(SECRET, ts, body)}`;
    expect(
      (await post(h.url, body, { 'X-Rollbot-Timestamp': String(ts), 'X-Rollbot-Signature': both })).status,
    ).toBe(200);
  });

  test.each([
    [
      'no routing label',
      { alerts: [{ labels: { env: 'prod' } }] },
      'alerts[0].labels',
      'must include a non-empty "service" or "alertname"',
    ],
    ['empty alerts', { alerts: [] }, 'alerts', 'at least one alert'],
    ['labels missing', { alerts: [{}] }, 'alerts[0].labels', 'required object is missing'],
    [
      'bad label name',
      { alerts: [{ labels: { service: 'x', 'bad-name': 'y' } }] },
      'alerts[0].labels["bad-name"]',
      'invalid key: label names',
    ],
    [
      'bad URL',
      { alerts: [{ labels: { service: 'x' }, runbookURL: 'javascript:alert(1)' }] },
      'alerts[0].runbookURL',
      'http(s) URL',
    ],
    ['alerts missing', { groupKey: 'x' }, 'alerts', 'required array is missing'],
  ])('%s: 400 naming the field', async (_name, payload, field, reason) => {
    const body = JSON.stringify(payload);
    const res = await post(h.url, body, signed(body));
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: 'bad_request', field, reason: expect.stringContaining(reason) });
  });

  test('bodies over the limit are refused with 413 without being signed-checked', async () => {
    await h.close();
    h = await startWebhook('generic', { scheme: 'rollbot-hmac', secrets: [SECRET] }, { maxBodyBytes: 1024 });
    const body = JSON.stringify({ alerts: [{ labels: { service: 'x' }, summary: 'y'.repeat(2000) }] });
    const res = await post(h.url, body, signed(body));
    expect(res.status).toBe(413);
    expect(res.json).toMatchObject({ error: 'payload_too_large', reason: 'body exceeds 1024 bytes' });
  });
});
