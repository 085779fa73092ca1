/**
 * The simulated services' request counters, as a real Prometheus scrapes them: text exposition
 * format (checked by the real `promtool check metrics` when installed), counters that only grow,
 * at each Ready pod's rate, 5xx by whether its image is bad — so the error ratio follows a rollout.
 */
import { spawn } from 'node:child_process';
import { startKubeSimulator, type KubeSimulator } from '../../src/kube/index.js';
import { startRequestCounters } from '../../src/prometheus/exposition.js';
import { startPrometheusSimulator, type PrometheusSimulator } from '../../src/prometheus/index.js';
import { loadScenario } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/schema.js';

const GOOD = 'registry.example.com/payments-api:1.4.2';

/** `promtool check metrics` on a text (exit code and output), or null when promtool is absent. */
function promtool(text: string): Promise<{ code: number | null; output: string } | null> {
  return new Promise((resolve) => {
    const child = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', () => resolve(null));
    child.on('exit', (code) => resolve({ code, output }));
    child.stdin.end(text);
  });
}

/** The value of one series line, by its exact label set text. */
const valueOf = (text: string, labels: string) =>
  Number(
    new RegExp(`^http_requests_total\\{${labels.replace(/[{}"]/g, '\\$&')}\\} (\\S+)$`, 'm').exec(text)?.[1],
  );

describe('request counters', () => {
  let scenario: Scenario;
  let kube: KubeSimulator;
  beforeEach(async () => {
    scenario = await loadScenario();
    kube = await startKubeSimulator({ scenario, stepMs: 10 });
  });
  afterEach(async () => {
    await kube.close();
  });

  test('served at /services/<ns>/<deploy>/metrics and /metrics in exposition format', async () => {
    const prom: PrometheusSimulator = await startPrometheusSimulator({ scenario, kube });
    try {
      const res = await fetch(`${prom.url}/services/payments/payments-api/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      const text = await res.text();
      expect(text).toMatch(/^# HELP http_requests_total .+\n# TYPE http_requests_total counter\n/);
      expect(text).toMatch(/^http_requests_total\{code="500",service="payments-api"\} \S+$/m);
      const checked = await promtool(text);
      if (checked) expect(checked).toEqual({ code: 0, output: '' });
      else process.stderr.write('promtool not installed: exposition syntax not checked by it\n');

      const all = await (await fetch(`${prom.url}/metrics`)).text();
      expect(all).toContain('service="checkout-web"');
      expect(all.match(/^# TYPE/gm)).toHaveLength(1);
      expect((await fetch(`${prom.url}/services/payments/nope/metrics`)).status).toBe(404);
    } finally {
      await prom.close();
    }
  });

  test('counters grow by each Ready pod, 5xx by its image; the ratio follows the rollout', async () => {
    let now = 1_000_000;
    const counters = startRequestCounters(scenario.metrics, kube, { now: () => now, tickMs: 60_000 });
    try {
      const read = () => {
        const text = counters.render('payments', 'payments-api')!;
        return {
          ok: valueOf(text, 'code="200",service="payments-api"'),
          errors: valueOf(text, 'code="500",service="payments-api"'),
        };
      };
      const t0 = read();
      now += 10_000; // 10 s at 3 Ready pods × 10 req/s, all on the bad 1.5.0 (27% errors)
      const t1 = read();
      expect(t1.errors - t0.errors).toBeCloseTo(300 * 0.27, 3);
      expect(t1.ok - t0.ok).toBeCloseTo(300 * 0.73, 3);

      kube.setImage('payments', 'payments-api', GOOD);
      await kube.waitForIdle();
      const t2 = read(); // the rollout happened "between" scrapes: attributed to the new state
      now += 10_000;
      const t3 = read();
      expect(t3.errors - t2.errors).toBeCloseTo(300 * 0.004, 3);
      expect(t3.ok).toBeGreaterThan(t2.ok);
      expect(t3.errors).toBeGreaterThanOrEqual(t2.errors); // a counter never goes down
    } finally {
      counters.stop();
    }
  });

  test('a Deployment with no Ready pods serves nothing: its counters stay where they were', async () => {
    let now = 0;
    const counters = startRequestCounters(scenario.metrics, kube, { now: () => now, tickMs: 60_000 });
    try {
      const ok = () =>
        valueOf(counters.render('checkout', 'checkout-web')!, 'code="200",service="checkout-web"');
      now += 5_000;
      expect(ok()).toBeCloseTo(2 * 10 * 5 * 0.999, 3); // 2 Ready pods on the good 2.1.0
      kube.scale('checkout', 'checkout-web', 0);
      await kube.waitForIdle();
      const stopped = ok();
      now += 5_000;
      expect(ok()).toBe(stopped);
      expect(counters.render('default', 'nothing')).toBeUndefined();
    } finally {
      counters.stop();
    }
  });
});
