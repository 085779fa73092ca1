/**
 * The README's Alertmanager and Grafana snippets are the tested config:
 * - Alertmanager: `amtool check-config` passes on the block exactly as README.md prints it;
 *   `amtool config routes test` shows where alerts go; a real Alertmanager running that file (URL
 *   and token filled in) delivers critical alerts to rollbot's real webhook edge, one group per
 *   service, and keeps paging the default receiver.
 * - Grafana (no Grafana binary here): the provisioning block has the shape grafana/alerting's
 *   webhook v1 `NewConfig` reads, and a body signed as `http/hmac.go` signs it with exactly those
 *   settings is accepted by rollbot configured as the README says (env → loadConfig → webhooks).
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { jest } from '@jest/globals';
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import type { AlertBatch } from '../../src/alerts/alert.js';
import { loadConfig } from '../../src/config/index.js';
import { systemClock } from '../../src/core/clock.js';
import { createHttpServer } from '../../src/http/server.js';
import { webhookRoutes } from '../../src/http/webhooks.js';
import { createLogger } from '../../src/log/logger.js';
import { createMetrics } from '../../src/metrics/registry.js';
import {
  amtoolCheckConfig,
  startAlertmanager,
  type RunningAlertmanager,
} from '../helpers/infra/alertmanager.js';
import { describeWithBinaries } from '../helpers/infra/binaries.js';
import { tempDir, until } from '../helpers/infra/daemon.js';
import { grafanaSignedHeaders } from '../helpers/grafana-signer.js';
import { readmeAlertmanagerConfig, readmeYaml } from '../helpers/readme.js';
import { fixtureText } from './harness.js';

jest.setTimeout(60_000);
const run = promisify(execFile);
const TOKEN = 'readme-am-token-0123456789';

/** rollbot's HTTP edge for alerts as `rollbot serve` builds it, from environment variables. */
async function startRollbotWebhooks(env: Record<string, string>) {
  const config = loadConfig({ ROLLBOT_MODE: 'sandbox', LOG_LEVEL: 'silent', ...env });
  const batches: AlertBatch[] = [];
  const log = createLogger({ level: 'silent' });
  const routes = webhookRoutes({
    config,
    clock: systemClock,
    log,
    metrics: createMetrics(),
    ingest: async (batch) => void batches.push(batch),
  });
  const http = createHttpServer(routes, log);
  const { url } = await http.listen(0, '127.0.0.1');
  return { url, batches, close: () => http.close(100) };
}

describeWithBinaries(['amtool', 'prometheus-alertmanager'], 'README: the Alertmanager snippet', (bin) => {
  test('amtool check-config passes on it exactly as README.md prints it', async () => {
    const result = await amtoolCheckConfig(bin.amtool, readmeYaml('webhook_configs'));
    expect(result.output).toContain('SUCCESS');
    expect(result.ok).toBe(true);
  });

  test('routing: critical and page alerts reach rollbot AND the default receiver; others only the default', async () => {
    const dir = await tempDir('amtool-routes');
    const file = `${dir.path}/alertmanager.yml`;
    await writeFile(file, readmeYaml('webhook_configs'));
    const route = async (...labels: string[]) =>
      (await run(bin.amtool, ['config', 'routes', 'test', `--config.file=${file}`, ...labels])).stdout.trim();
    try {
      expect(await route('service=payments-api', 'severity=critical')).toBe('rollbot,default');
      expect(await route('service=payments-api', 'severity=page')).toBe('rollbot,default');
      expect(await route('service=payments-api', 'severity=warning')).toBe('default');
    } finally {
      await dir.cleanup();
    }
  });

  describe('a real Alertmanager running it', () => {
    let am: RunningAlertmanager;
    let rollbot: Awaited<ReturnType<typeof startRollbotWebhooks>>;
    let defaults: { server: Server; bodies: unknown[] };
    beforeAll(async () => {
      rollbot = await startRollbotWebhooks({ WEBHOOK_ALERTMANAGER_TOKEN: TOKEN });
      const config = parse(
        readmeAlertmanagerConfig({ webhookUrl: `${rollbot.url}/webhooks/alertmanager`, token: TOKEN }),
      );
      // Timing only, so the test need not wait Alertmanager's 30 s group_wait; routes, grouping,
      // receivers and auth are the README's. The default receiver gets a webhook of its own to count.
      Object.assign(config.route.routes[0], { group_wait: '500ms', group_interval: '1s' });
      defaults = { server: createServer(), bodies: [] };
      defaults.server.on('request', (req, res) => {
        let text = '';
        req.on('data', (c) => (text += c));
        req.on('end', () => {
          defaults.bodies.push(JSON.parse(text));
          res.end();
        });
      });
      await new Promise<void>((r) => defaults.server.listen(0, '127.0.0.1', () => r()));
      const port = (defaults.server.address() as AddressInfo).port;
      config.receivers.find((r: { name: string }) => r.name === 'default').webhook_configs = [
        { url: `http://127.0.0.1:${port}/` },
      ];
      Object.assign(config.route, { group_wait: '500ms', group_interval: '1s' });
      am = await startAlertmanager(bin['prometheus-alertmanager'], stringify(config));
    });
    afterAll(async () => {
      await am?.stop();
      await rollbot?.close();
      await new Promise((r) => defaults?.server.close(r));
    });

    test("rollbot gets one authenticated notification per service, parsed by its real edge; warnings don't reach it", async () => {
      await am.postAlerts([
        { labels: { alertname: 'HighErrorRatio', service: 'payments-api', severity: 'critical' } },
        { labels: { alertname: 'HighLatency', service: 'payments-api', severity: 'page' } },
        { labels: { alertname: 'HighErrorRatio', service: 'checkout-web', severity: 'critical' } },
        { labels: { alertname: 'DiskFilling', service: 'payments-api', severity: 'warning' } },
      ]);
      await until('a notification per service', () => rollbot.batches.length >= 2, 20_000, 50);
      const byService = new Map(
        rollbot.batches.map((b) => [new Set(b.alerts.map((a) => a.labels['service'])), b] as const),
      );
      const groups = [...byService.keys()].map((s) => [...s]);
      expect(groups.sort()).toEqual([['checkout-web'], ['payments-api']]);
      const payments = rollbot.batches.find((b) => b.alerts[0]!.labels['service'] === 'payments-api')!;
      expect(payments.alerts.map((a) => a.labels['alertname']).sort()).toEqual([
        'HighErrorRatio',
        'HighLatency',
      ]);
      expect(payments.receiver).toBe('rollbot');
      expect(payments.groupKey).toContain('service="payments-api"');
      expect(rollbot.batches.flatMap((b) => b.alerts).some((a) => a.labels['severity'] === 'warning')).toBe(
        false,
      );
      // The pager still hears about everything.
      await until(
        'the default receiver to get all four',
        () => defaults.bodies.flatMap((b) => (b as { alerts: unknown[] }).alerts).length >= 4,
      );
    });
  });
});

/**
 * The webhook settings grafana/alerting's receivers/webhook/v1 `NewConfig` reads (field names and
 * its checks: url required; basic auth and an Authorization header are exclusive).
 */
const grafanaWebhookSettings = z
  .object({
    url: z.string().min(1),
    httpMethod: z.enum(['POST', 'PUT']).optional(),
    maxAlerts: z.union([z.number(), z.string()]).optional(),
    authorization_scheme: z.string().optional(),
    authorization_credentials: z.string().optional(),
    username: z.string().optional(),
    password: z.string().optional(),
    hmacConfig: z
      .object({
        secret: z.string().min(1),
        header: z.string().optional(),
        timestampHeader: z.string().optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((s) => !(s.username && s.password && s.authorization_credentials), {
    message: 'both HTTP Basic Authentication and Authorization Header are set, only 1 is permitted',
  });
const grafanaProvisioning = z.object({
  apiVersion: z.literal(1),
  contactPoints: z
    .array(
      z.object({
        orgId: z.number().int(),
        name: z.string().min(1),
        receivers: z.array(
          z.object({ uid: z.string().min(1), type: z.literal('webhook'), settings: grafanaWebhookSettings }),
        ),
      }),
    )
    .length(1),
});

describe('README: the Grafana contact point snippet', () => {
  const snippet = grafanaProvisioning.parse(parse(readmeYaml('contactPoints')));
  const settings = snippet.contactPoints[0]!.receivers[0]!.settings;

  test('has the provisioning shape Grafana reads, pointing at /webhooks/grafana with HMAC and a timestamp', () => {
    expect(new URL(settings.url).pathname).toBe('/webhooks/grafana');
    expect(settings.hmacConfig).toMatchObject({ secret: '<WEBHOOK_GRAFANA_HMAC_SECRET>' });
    expect(settings.hmacConfig!.timestampHeader).toBeTruthy();
  });

  test('rollbot configured as the README says accepts a body Grafana signs with those settings, and refuses a replay', async () => {
    const secret = 'readme-grafana-hmac-0123456789';
    const hmac = settings.hmacConfig!;
    const rollbot = await startRollbotWebhooks({
      WEBHOOK_GRAFANA_HMAC_SECRET: secret,
      WEBHOOK_GRAFANA_HMAC_TIMESTAMP_HEADER: hmac.timestampHeader!,
    });
    try {
      const body = fixtureText('grafana-firing');
      const send = (nowMs: number) =>
        fetch(`${rollbot.url}${new URL(settings.url).pathname}`, {
          method: settings.httpMethod ?? 'POST',
          headers: {
            'content-type': 'application/json',
            ...grafanaSignedHeaders({
              secret,
              body,
              header: hmac.header,
              timestampHeader: hmac.timestampHeader,
              nowMs,
            }),
          },
          body,
        });
      const ok = await send(Date.now());
      expect(await ok.json()).toEqual({ status: 'accepted', alerts: 2 });
      expect(rollbot.batches[0]!.source).toBe('grafana');
      const replay = await send(Date.now() - 10 * 60_000);
      expect(replay.status).toBe(401);
    } finally {
      await rollbot.close();
    }
  });
});
