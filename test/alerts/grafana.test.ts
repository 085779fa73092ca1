import { signGrafana } from '../../src/alerts/auth.js';
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

  describe('HMAC (grafana/alerting http/hmac.go)', () => {
    test('default header, body only, no timestamp', async () => {
      h = await startWebhook('grafana', { scheme: 'grafana-hmac', secrets: [GRAFANA_SECRET] });
      const body = fixtureText('grafana-firing');
      const ok = await post(h.url, body, { 'X-Grafana-Alert-Signature': signGrafana(GRAFANA_SECRET, body) });
      expect(ok.status).toBe(200);
      const bad = await post(h.url, body, {
        'X-Grafana-Alert-Signature': signGrafana('another-secret-0123456789', body),
      });
      expect(bad).toMatchObject({
        status: 401,
        json: { error: 'unauthorized', reason: 'signature does not match' },
      });
      const missing = await post(h.url, body);
      expect(missing.json['reason']).toBe('missing x-grafana-alert-signature header');
    });

    test('custom header and timestamp header: signs "{ts}:{body}" within 5 minutes', async () => {
      h = await startWebhook('grafana', {
        scheme: 'grafana-hmac',
        secrets: [GRAFANA_SECRET],
        header: 'X-Grafana-Alerting-Signature',
        timestampHeader: 'X-Grafana-Alerting-Timestamp',
      });
      const body = fixtureText('grafana-firing');
      const sign = (ts: number) => ({
        'X-Grafana-Alerting-Signature': signGrafana(GRAFANA_SECRET, body, ts),
        'X-Grafana-Alerting-Timestamp': String(ts),
      });
      const now = nowSeconds(h.clock);
      expect((await post(h.url, body, sign(now))).status).toBe(200);
      expect((await post(h.url, body, sign(now - 299))).status).toBe(200);
      const stale = await post(h.url, body, sign(now - 301));
      expect(stale.status).toBe(401);
      expect(stale.json['reason']).toContain('301 s old');
      // Signature without the timestamp prefix does not pass when a timestamp header is configured.
      const noTs = await post(h.url, body, {
        'X-Grafana-Alerting-Signature': signGrafana(GRAFANA_SECRET, body),
        'X-Grafana-Alerting-Timestamp': String(now),
      });
      expect(noTs.status).toBe(401);
    });
  });
});
