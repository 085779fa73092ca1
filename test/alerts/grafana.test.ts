import { grafanaSignedHeaders } from '../helpers/grafana-signer.js';
import {
  fixtureText,
  GRAFANA_SECRET,
  nowSeconds,
  post,
  startWebhook,
  TOKEN,
  type Harness,
} from './harness.js';

describe('Grafana unified alerting webhook', () => {
  let h: Harness;
  afterEach(() => h.close());

  test('payload maps with Grafana URLs and values; empty strings and null values are absent', async () => {
    h = await startWebhook('grafana', { scheme: 'bearer', tokens: [TOKEN] });
    const res = await post(h.url, fixtureText('grafana-firing'), { authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: 'accepted', alerts: 2 });
    const batch = h.batches[0]!;
    expect(batch).toMatchObject({
      source: 'grafana',
      receiver: 'rollbot-webhook',
      externalURL: 'https://grafana.example.com/',
    });
    expect(batch.groupKey).toContain('__grafana_receiver__');
    const [firing, resolved] = batch.alerts;
    expect(firing).toMatchObject({
      source: 'grafana',
      status: 'firing',
      fingerprint: '3b3f2d2c1e0a9f88',
      groupKey: batch.groupKey,
      summary: 'checkout p99 latency above 2s',
      runbookURL: 'https://runbooks.example.com/checkout/latency',
      dashboardURL: expect.stringContaining('/d/checkout-overview'),
      panelURL: expect.stringContaining('viewPanel=4'),
      silenceURL: expect.stringContaining('/alerting/silence/new'),
      values: { A: 2.731, C: 1 },
    });
    expect(firing).not.toHaveProperty('endsAt');
    expect(resolved).toMatchObject({
      status: 'resolved',
      endsAt: '2026-01-01T09:50:00.000Z',
      summary: 'Checkout latency p99',
    });
    for (const key of ['dashboardURL', 'panelURL', 'values']) expect(resolved).not.toHaveProperty(key);
  });

  test('legacy Grafana alerting payloads are refused, saying why', async () => {
    h = await startWebhook('grafana', { scheme: 'bearer', tokens: [TOKEN] });
    const res = await post(h.url, fixtureText('grafana-legacy'), { authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({
      field: 'version',
      reason: expect.stringContaining('legacy Grafana alerting'),
    });
  });

  test('state must be alerting or ok', async () => {
    h = await startWebhook('grafana', { scheme: 'bearer', tokens: [TOKEN] });
    const body = JSON.parse(fixtureText('grafana-firing'));
    body.state = 'pending';
    const res = await post(h.url, JSON.stringify(body), { authorization: `Bearer ${TOKEN}` });
    expect(res.json).toEqual({
      error: 'bad_request',
      field: 'state',
      reason: 'expected "alerting" | "ok", received "pending"',
    });
  });

  describe('HMAC, signed as grafana/alerting http/hmac.go signs', () => {
    const sign = (body: string, extra: Parameters<typeof grafanaSignedHeaders>[0] | object = {}) =>
      grafanaSignedHeaders({ secret: GRAFANA_SECRET, body, nowMs: h.clock.now(), ...extra });

    test('default header X-Grafana-Alerting-Signature, body only: accepted; wrong secret, old header name or none: 401', async () => {
      h = await startWebhook('grafana', { scheme: 'grafana-hmac', secrets: [GRAFANA_SECRET] });
      const body = fixtureText('grafana-firing');
      const headers = sign(body);
      expect(Object.keys(headers)).toEqual(['X-Grafana-Alerting-Signature']);
      expect((await post(h.url, body, headers)).status).toBe(200);
      const bad = await post(h.url, body, sign(body, { secret: 'another-secret-0123456789' }));
      expect(bad).toMatchObject({
        status: 401,
        json: { error: 'unauthorized', reason: 'signature does not match' },
      });
      // The name in hmac.go's doc comment is not what Grafana sends.
      const typo = await post(h.url, body, {
        'X-Grafana-Alert-Signature': headers['X-Grafana-Alerting-Signature']!,
      });
      expect(typo.json['reason']).toBe('missing x-grafana-alerting-signature header');
      expect((await post(h.url, body)).status).toBe(401);
    });

    test('with a timestamp header: "{unix seconds}:{body}" is signed, accepted within 5 minutes either way', async () => {
      const timestampHeader = 'X-Grafana-Alerting-Timestamp';
      h = await startWebhook('grafana', {
        scheme: 'grafana-hmac',
        secrets: [GRAFANA_SECRET],
        timestampHeader,
      });
      const body = fixtureText('grafana-firing');
      const at = (offsetSeconds: number) =>
        sign(body, { timestampHeader, nowMs: h.clock.now() + offsetSeconds * 1000 });
      expect(at(0)[timestampHeader]).toBe(String(nowSeconds(h.clock)));
      expect((await post(h.url, body, at(0))).status).toBe(200);
      expect((await post(h.url, body, at(-299))).status).toBe(200);
      expect((await post(h.url, body, at(299))).status).toBe(200);
      const stale = await post(h.url, body, at(-301));
      expect(stale.status).toBe(401);
      expect(stale.json['reason']).toContain('301 s old');
      expect((await post(h.url, body, at(301))).json['reason']).toContain('301 s in the future');
      // The body signed without its timestamp does not pass once a timestamp header is configured,
      // nor does a valid pair whose timestamp was changed afterwards (replay with a fresh time).
      const noTs = await post(h.url, body, { ...sign(body), [timestampHeader]: String(nowSeconds(h.clock)) });
      expect(noTs.status).toBe(401);
      const moved = { ...at(-10), [timestampHeader]: String(nowSeconds(h.clock)) };
      expect((await post(h.url, body, moved)).json['reason']).toBe('signature does not match');
      const missing = await post(h.url, body, sign(body));
      expect(missing.json['reason']).toBe('missing X-Grafana-Alerting-Timestamp header');
    });

    test('a custom signature header (hmacConfig.header) replaces the default', async () => {
      h = await startWebhook('grafana', {
        scheme: 'grafana-hmac',
        secrets: [GRAFANA_SECRET],
        header: 'X-Signature',
      });
      const body = fixtureText('grafana-firing');
      expect((await post(h.url, body, sign(body, { header: 'X-Signature' }))).status).toBe(200);
      expect((await post(h.url, body, sign(body))).status).toBe(401);
    });
  });
});
