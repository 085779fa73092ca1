/**
 * The Prometheus simulator answers from what the Kubernetes simulator serves: bad while a bad
 * image has Ready pods, good once a rollback has completed; health endpoints follow suit.
 */
import { startKubeSimulator, type KubeSimulator } from '../../src/kube/index.js';
import {
  formatValue,
  startPrometheusSimulator,
  type PrometheusSimulator,
} from '../../src/prometheus/index.js';
import { loadScenario } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/schema.js';

const GOOD = 'registry.example.com/payments-api:1.4.2';

describe('Prometheus simulator', () => {
  let scenario: Scenario;
  let kube: KubeSimulator;
  let prom: PrometheusSimulator;
  let errorRatio: string;

  beforeEach(async () => {
    scenario = await loadScenario();
    kube = await startKubeSimulator({ scenario, stepMs: 20 });
    prom = await startPrometheusSimulator({ scenario, kube });
    errorRatio = scenario.metrics[0]!.query;
  });
  afterEach(async () => {
    await prom.close();
    await kube.close();
  });

  const query = async (q: string, init?: RequestInit) => {
    const res = await fetch(`${prom.url}/api/v1/query?${new URLSearchParams({ query: q })}`, init);
    return {
      status: res.status,
      body: (await res.json()) as {
        status: string;
        data: { resultType: string; result: { metric: object; value: [number, string] }[] };
      },
    };
  };

  test('answers in Prometheus JSON shape, whitespace-insensitively, by GET and POST', async () => {
    const before = Date.now() / 1000;
    const r = await query(`  ${errorRatio.replace(/\s+/g, '   ')} `);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      status: 'success',
      data: {
        resultType: 'vector',
        result: [{ metric: { service: 'payments-api' }, value: [expect.any(Number), '0.27'] }],
      },
    });
    expect(r.body.data.result[0]!.value[0]).toBeGreaterThanOrEqual(before - 1);

    const posted = await fetch(`${prom.url}/api/v1/query`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query: errorRatio, time: '1700000000.5' }),
    });
    expect(await posted.json()).toEqual({
      status: 'success',
      data: {
        resultType: 'vector',
        result: [{ metric: { service: 'payments-api' }, value: [1700000000.5, '0.27'] }],
      },
    });
    const checkout = await query(scenario.metrics[1]!.query);
    expect(checkout.body.data.result[0]!.value[1]).toBe('0.001');
  });

  test('unknown queries give an empty vector; a missing query is bad_data', async () => {
    expect((await query('up{job="nothing"}')).body).toEqual({
      status: 'success',
      data: { resultType: 'vector', result: [] },
    });
    const res = await fetch(`${prom.url}/api/v1/query`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ status: 'error', errorType: 'bad_data' });
  });

  test('metrics and health turn good once the rollback has completed', async () => {
    const health = async () => {
      const res = await fetch(`${prom.url}/services/payments/payments-api/healthz`);
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    expect(await health()).toMatchObject({
      status: 500,
      body: { status: 'failing', image: 'registry.example.com/payments-api:1.5.0' },
    });

    kube.setImage('payments', 'payments-api', GOOD);
    // Mid-rollout, bad pods are still Ready and serving.
    await new Promise((r) => setTimeout(r, 25));
    expect((await query(errorRatio)).body.data.result[0]!.value[1]).toBe('0.27');

    await kube.waitForIdle();
    expect((await query(errorRatio)).body.data.result[0]!.value[1]).toBe('0.004');
    expect(await health()).toEqual({ status: 200, body: { status: 'ok', image: GOOD, images: [GOOD] } });
    expect((await fetch(`${prom.url}/services/payments/nope/healthz`)).status).toBe(404);
  });

  test('marking an image bad at runtime flips the answers', async () => {
    kube.markImage('registry.example.com/checkout-web:2.1.0', 'bad');
    expect((await query(scenario.metrics[1]!.query)).body.data.result[0]!.value[1]).toBe('0.2');
  });

  test('values are formatted as Go formats floats', () => {
    expect(formatValue(0.004)).toBe('0.004');
    expect(formatValue(1e-7)).toBe('0.0000001');
    expect(formatValue(1.5e21)).toBe('1500000000000000000000');
    expect(formatValue(NaN)).toBe('NaN');
    expect(formatValue(Infinity)).toBe('+Inf');
  });
});
