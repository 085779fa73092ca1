import { RollbotError } from '../../src/core/errors.js';
import { fingerprintOf } from '../../src/alerts/alert.js';
import { fixture, fixtureText, post, startWebhook, TOKEN, type Harness } from './harness.js';

const bearer = { authorization: `Bearer ${TOKEN}` };
let h: Harness;
beforeEach(async () => {
  h = await startWebhook('alertmanager', { scheme: 'bearer', tokens: ['old-token-0123456789abc', TOKEN] });
});
afterEach(() => h.close());

describe('Alertmanager webhook', () => {
  test('a group mixing firing and resolved alerts becomes one batch', async () => {
    const res = await post(h.url, fixtureText('alertmanager-mixed'), bearer);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: 'accepted', alerts: 2 });
    expect(h.batches).toHaveLength(1);
    const batch = h.batches[0]!;
    const groupKey = '{}/{severity="critical"}:{alertname="HighErrorRate", service="payments"}';
    expect(batch).toMatchObject({
      source: 'alertmanager',
      receiver: 'rollbot',
      groupKey,
      externalURL: 'http://alertmanager.example.com:9093',
      truncatedAlerts: 3,
    });
    const [firing, resolved] = batch.alerts;
    expect(firing).toEqual({
      source: 'alertmanager',
      status: 'firing',
      fingerprint: 'c0ffee00deadbeef',
      groupKey,
      labels: fixture('alertmanager-mixed').alerts[0].labels,
      annotations: fixture('alertmanager-mixed').alerts[0].annotations,
      startsAt: '2026-01-01T09:58:12.345Z',
      generatorURL: expect.stringContaining('http://prometheus.example.com/graph'),
      runbookURL: 'https://runbooks.example.com/payments/high-error-rate',
      summary: 'payments 5xx ratio above 5% for 5m',
    });
    expect(firing).not.toHaveProperty('endsAt'); // 0001-01-01T00:00:00Z
    expect(resolved).toMatchObject({
      status: 'resolved',
      fingerprint: '0a1b2c3d4e5f6071',
      endsAt: '2026-01-01T09:55:30.500Z',
      summary: '3.1% of requests to payments fail with 5xx.', // description when no summary
    });
    expect(resolved).not.toHaveProperty('generatorURL'); // "" means absent
    expect(h.results).toEqual([{ source: 'alertmanager', status: 200 }]);
  });

  test('null annotations and an empty fingerprint are filled in', async () => {
    const res = await post(h.url, fixtureText('alertmanager-resolved'), bearer);
    expect(res.status).toBe(200);
    const alert = h.batches[0]!.alerts[0]!;
    expect(alert.annotations).toEqual({});
    expect(alert.fingerprint).toBe(fingerprintOf(alert.labels));
    expect(alert.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(alert.summary).toBe('PodCrashLooping');
    expect(h.batches[0]).not.toHaveProperty('truncatedAlerts');
  });

  test('unknown fields anywhere are accepted', async () => {
    const body = fixture('alertmanager-mixed');
    body['somethingNew'] = { nested: [1, 2] };
    body.alerts[0].futureField = true;
    expect((await post(h.url, JSON.stringify(body), bearer)).status).toBe(200);
  });

  test('Basic auth whose password is the token is accepted (Alertmanager basic_auth)', async () => {
    const basic = Buffer.from(`alertmanager:${TOKEN}`).toString('base64');
    const res = await post(h.url, fixtureText('alertmanager-mixed'), { authorization: `Basic ${basic}` });
    expect(res.status).toBe(200);
  });

  test.each([
    ['no Authorization header', {}, 'missing Authorization header'],
    ['a wrong token', { authorization: 'Bearer not-the-token' }, 'invalid credentials'],
    [
      'a token that is a prefix of the real one',
      { authorization: `Bearer ${TOKEN.slice(0, 10)}` },
      'invalid credentials',
    ],
    ['another scheme', { authorization: `Token ${TOKEN}` }, 'unsupported Authorization scheme'],
    [
      'a wrong basic password',
      { authorization: `Basic ${Buffer.from('am:nope').toString('base64')}` },
      'invalid',
    ],
  ])('%s is 401 with a reason and no secret', async (_name, headers, reason) => {
    const res = await post(h.url, fixtureText('alertmanager-mixed'), headers as Record<string, string>);
    expect(res.status).toBe(401);
    expect(res.json['error']).toBe('unauthorized');
    expect(res.json['reason']).toContain(reason);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="rollbot"');
    expect(JSON.stringify(res.json)).not.toContain(TOKEN);
    expect(JSON.stringify(h.logs)).not.toContain(TOKEN);
    expect(h.batches).toHaveLength(0);
  });

  test.each([
    ['version missing', (b: any) => delete b.version, 'version', 'required'],
    ['version 3', (b: any) => (b.version = '3'), 'version', 'expected "4"'],
    [
      'labels a string',
      (b: any) => (b.alerts[0].labels = 'x'),
      'alerts[0].labels',
      'expected object, received string',
    ],
    [
      'a label value a number',
      (b: any) => (b.alerts[1].labels.pod = 7),
      'alerts[1].labels.pod',
      'expected string, received number',
    ],
    ['bad status', (b: any) => (b.alerts[0].status = 'pending'), 'alerts[0].status', '"pending"'],
    [
      'startsAt not a time',
      (b: any) => (b.alerts[0].startsAt = 'yesterday'),
      'alerts[0].startsAt',
      'RFC 3339',
    ],
    ['alerts an object', (b: any) => (b.alerts = {}), 'alerts', 'expected array, received object'],
    ['groupKey missing', (b: any) => delete b.groupKey, 'groupKey', 'required string is missing'],
    [
      'label name with a space',
      (b: any) => (b.alerts[0].labels['a b'] = 1),
      'alerts[0].labels["a b"]',
      'expected string',
    ],
  ])('%s is a 400 naming the field', async (_name, mutate, field, reason) => {
    const body = fixture('alertmanager-mixed');
    mutate(body);
    const res = await post(h.url, JSON.stringify(body), bearer);
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: 'bad_request', field, reason: expect.stringContaining(reason) });
  });

  test('a JSON syntax error is a 400 with its position', async () => {
    const res = await post(h.url, '{"version": "4",\n "alerts": [,]}', bearer);
    expect(res.status).toBe(400);
    expect(res.json['reason']).toBe(
      `invalid JSON at position 29 (line 2, column 13): expected a JSON value, found ","`,
    );
  });

  test('a body that is JSON but not an object', async () => {
    const res = await post(h.url, '[1,2]', bearer);
    expect(res.json).toEqual({
      error: 'bad_request',
      field: '(body)',
      reason: 'expected object, received array',
    });
  });

  test('only POST, with an Allow header', async () => {
    const res = await fetch(h.url, { method: 'GET', headers: bearer });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(await res.json()).toMatchObject({ error: 'method_not_allowed' });
  });

  test('content type must be JSON; a charset suffix is fine', async () => {
    const wrong = await post(h.url, fixtureText('alertmanager-mixed'), {
      ...bearer,
      'content-type': 'text/plain',
    });
    expect(wrong.status).toBe(415);
    expect(wrong.json).toMatchObject({ error: 'unsupported_media_type', field: 'content-type' });
    const charset = await post(h.url, fixtureText('alertmanager-mixed'), {
      ...bearer,
      'content-type': 'application/json; charset=utf-8',
    });
    expect(charset.status).toBe(200);
  });

  test('ingest failing because the store is down is a 503 so Alertmanager retries', async () => {
    h.ingest = async () => {
      throw new RollbotError('store_unavailable', 'Redis is unreachable', { hint: 'check REDIS_URL' });
    };
    const res = await post(h.url, fixtureText('alertmanager-mixed'), bearer);
    expect(res.status).toBe(503);
    expect(res.json).toEqual({ error: 'store_unavailable', reason: expect.any(String) });
    expect(res.headers.get('retry-after')).toBe('5');
    expect(h.logs.some((l) => l['msg'] === 'alert ingest failed; asking the sender to retry')).toBe(true);
    expect(h.results).toEqual([{ source: 'alertmanager', status: 503 }]);
  });

  test('any other ingest error is also a 503', async () => {
    h.ingest = async () => {
      throw new Error('boom');
    };
    const res = await post(h.url, fixtureText('alertmanager-mixed'), bearer);
    expect(res.status).toBe(503);
    expect(res.json).toEqual({ error: 'ingest_failed', reason: expect.any(String) });
  });
});
