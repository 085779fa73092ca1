/**
 * The sandbox's secrets are ones you can use, and PROMETHEUS_URL is honoured:
 * - SLACK_SIGNING_SECRET / WEBHOOK_* set in the environment are the sandbox's secrets (a real
 *   Alertmanager configured with them is accepted); unset ones are generated and printed with the
 *   webhook URLs, by `rollbot sandbox` and by `ROLLBOT_MODE=sandbox rollbot serve`.
 * - prometheus.check asks the step's `url:` first, then PROMETHEUS_URL, then the simulator.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { startSandbox } from '../../src/cli/sandbox/console.js';
import { webhookLines } from '../../src/cli/sandbox/endpoints.js';
import { runStory } from '../../src/cli/sandbox/story/story.js';
import { createLogger } from '../../src/log/logger.js';
import { freePort, tempDir, until } from '../helpers/infra/daemon.js';

jest.setTimeout(90_000);
const ROOT = new URL('../..', import.meta.url).pathname;
const log = createLogger({ level: 'silent' });
const TOKEN = 'am-token-from-the-environment-0123';

/** An HTTP endpoint that answers Prometheus' instant-query API with one healthy value and records what it was asked. */
async function recordingPrometheus(
  value: string,
): Promise<{ url: string; queries: string[]; server: Server }> {
  const queries: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/api/v1/query') return void res.writeHead(404).end();
    queries.push(url.searchParams.get('query') ?? '');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        status: 'success',
        data: { resultType: 'vector', result: [{ metric: {}, value: [Date.now() / 1000, value] }] },
      }),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, queries, server };
}

const postAlert = (botUrl: string, token: string) =>
  fetch(`${botUrl}/webhooks/alertmanager`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      version: '4',
      groupKey: '{}:{service="checkout-web"}',
      status: 'firing',
      receiver: 'rollbot',
      groupLabels: { service: 'checkout-web' },
      commonLabels: {},
      commonAnnotations: {},
      externalURL: 'http://alertmanager.example.com',
      truncatedAlerts: 0,
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'HighErrorRatio', service: 'checkout-web', severity: 'critical' },
          annotations: {},
          startsAt: new Date().toISOString(),
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: 'http://prometheus.example.com/graph',
          fingerprint: 'c0ffee0000000001',
        },
      ],
    }),
  });

describe('sandbox secrets', () => {
  test('secrets set in the environment are the ones the sandbox accepts; the others are generated and shown', async () => {
    const sandbox = await startSandbox({
      log,
      port: 0,
      env: { WEBHOOK_ALERTMANAGER_TOKEN: TOKEN, SLACK_SIGNING_SECRET: 'signing-secret-from-the-env-0123' },
    });
    try {
      const { world, botUrl } = sandbox;
      expect(world.secrets.alertmanagerToken).toBe(TOKEN);
      expect(world.secrets.signingSecret).toBe('signing-secret-from-the-env-0123');
      expect(world.generated.has('alertmanagerToken')).toBe(false);
      expect(world.generated.has('genericSecret')).toBe(true);
      expect((await postAlert(botUrl, TOKEN)).status).toBe(200);
      expect((await postAlert(botUrl, 'am-some-other-token-00000000')).status).toBe(401);

      const lines = webhookLines(world, botUrl, sandbox.app.config.prometheusUrl).join('\n');
      expect(lines).toContain(`${botUrl}/webhooks/alertmanager  bearer from WEBHOOK_ALERTMANAGER_TOKEN`);
      expect(lines).not.toContain(TOKEN); // named, not echoed
      expect(lines).toContain(
        `HMAC secret ${world.secrets.genericSecret}  (generated; set WEBHOOK_GENERIC_SECRET`,
      );
      expect(lines).toContain('query the simulator');
    } finally {
      await sandbox.close();
    }
  });

  test('ROLLBOT_MODE=sandbox rollbot serve: WEBHOOK_ALERTMANAGER_TOKEN is accepted; without it the generated token is printed and works', async () => {
    for (const env of [{ WEBHOOK_ALERTMANAGER_TOKEN: TOKEN }, {}] as Record<string, string>[]) {
      const port = await freePort();
      const { REDIS_URL: _r, KUBECONFIG: _k, PROMETHEUS_URL: _p, ...base } = process.env;
      const child = spawn(process.execPath, ['bin/rollbot.js', 'serve'], {
        cwd: ROOT,
        env: {
          ...base,
          ROLLBOT_MODE: 'sandbox',
          PORT: String(port),
          HOST: '127.0.0.1',
          LOG_LEVEL: 'warn',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      try {
        const line = await until(
          'the webhook endpoints on stderr',
          () => /POST (\S+)\/webhooks\/alertmanager +bearer (.*)/.exec(stderr),
          60_000,
        );
        const botUrl = line[1]!;
        expect(botUrl).toBe(`http://127.0.0.1:${port}`);
        const token = env.WEBHOOK_ALERTMANAGER_TOKEN
          ? (expect(line[2]).toBe('from WEBHOOK_ALERTMANAGER_TOKEN'), TOKEN)
          : /^(\S+)  \(generated; set WEBHOOK_ALERTMANAGER_TOKEN/.exec(line[2]!)![1]!;
        expect((await postAlert(botUrl, token)).status).toBe(200);
        expect((await postAlert(botUrl, 'am-a-token-nobody-configured-0000')).status).toBe(401);
      } finally {
        child.kill('SIGTERM');
        expect(await exited).toBe(0);
      }
    }
  });
});

describe('PROMETHEUS_URL in the sandbox (runbook url > PROMETHEUS_URL > simulator)', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let fromEnv: Awaited<ReturnType<typeof recordingPrometheus>>;
  let fromRunbook: Awaited<ReturnType<typeof recordingPrometheus>>;
  beforeAll(async () => {
    dir = await tempDir('prometheus-url');
    fromEnv = await recordingPrometheus('0.002');
    fromRunbook = await recordingPrometheus('0.003');
  });
  afterAll(async () => {
    fromEnv.server.close();
    fromRunbook.server.close();
    await dir.cleanup();
  });

  test('a drill verifies against PROMETHEUS_URL, not the simulator', async () => {
    const lines: string[] = [];
    const result = await runStory({
      trigger: 'command',
      service: 'payments-api',
      runbooksDir: join(ROOT, 'runbooks'),
      out: join(dir.path, 'env'),
      env: { PROMETHEUS_URL: fromEnv.url },
      stepMs: 20,
      log,
      print: (l) => lines.push(l),
      timeoutMs: 60_000,
    });
    expect(result.summary).toMatch(/^succeeded/);
    expect(result.ok).toBe(true);
    expect(fromEnv.queries.length).toBeGreaterThan(0);
    expect(fromEnv.queries[0]).toContain('http_requests_total{service="payments-api"');
    const check = result.incident!.execution!.steps.find((s) => s.id === 'error-ratio')!;
    expect(check.summary).toContain('value 0.002');
  });

  test("a step's own url wins over PROMETHEUS_URL", async () => {
    const runbooks = join(dir.path, 'runbooks');
    await mkdir(runbooks, { recursive: true });
    const shipped = await readFile(join(ROOT, 'runbooks/payments-api.yaml'), 'utf8');
    const withUrl = shipped.replace(/(\n\s+)query: (sum\(rate)/, `$1url: ${fromRunbook.url}$1query: $2`);
    expect(withUrl).not.toBe(shipped);
    await writeFile(join(runbooks, 'payments-api.yaml'), withUrl);
    const before = fromEnv.queries.length;
    const result = await runStory({
      trigger: 'command',
      service: 'payments-api',
      runbooksDir: runbooks,
      out: join(dir.path, 'url'),
      env: { PROMETHEUS_URL: fromEnv.url },
      stepMs: 20,
      log,
      print: () => {},
      timeoutMs: 60_000,
    });
    expect(result.ok).toBe(true);
    expect(fromRunbook.queries.length).toBeGreaterThan(0);
    expect(fromEnv.queries.length).toBe(before);
  });
});
