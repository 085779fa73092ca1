/**
 * rollbot with every real part around it: the sandbox world (Kubernetes, Slack, GitHub
 * simulators, and the simulated services' request counters), a real Prometheus scraping those
 * counters and evaluating an alerting rule built from the runbook's own query, and a real
 * Alertmanager running the README's snippet (URL and token filled in) that delivers to the bot.
 * Used by the all-real end-to-end test (short intervals) and bench/prometheus-recovery.ts (15 s).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { type Bot, startBot } from '../bot.js';
import { readmeAlertmanagerConfig } from '../readme.js';
import { type RunningAlertmanager, startAlertmanager } from './alertmanager.js';
import { freePort } from './daemon.js';
import { type RunningPrometheus, startPrometheus } from './prometheus.js';

export interface AllRealOptions {
  prometheusBinary: string;
  alertmanagerBinary: string;
  runbooksDir: string;
  /** Which runbooks' services to scrape and alert on: [service, namespace/deployment]. */
  services: { service: string; deployment: string }[];
  scrapeInterval: string;
  evaluationInterval: string;
  /** The rule fires when the runbook's error-ratio query is above this. */
  alertAbove: number;
  /**
   * Alertmanager's timings on the rollbot route. The README leaves them at Alertmanager's
   * defaults (group_wait 30s, group_interval 5m); a test shortens them so the resolve arrives in
   * seconds, nothing else of the snippet changes.
   */
  routeTimings?: { group_wait: string; group_interval: string } | undefined;
  stepMs?: number;
  env?: Record<string, string>;
}

export interface AllReal {
  bot: Bot;
  prometheus: RunningPrometheus;
  alertmanager: RunningAlertmanager;
  /** The Alertmanager config it runs (the README snippet, filled in). */
  alertmanagerYaml: string;
  close(): Promise<void>;
}

/** The first prometheus.check query of a runbook file, as the runbook states it. */
export async function runbookQuery(runbooksDir: string, service: string): Promise<string> {
  const rb = parse(await readFile(join(runbooksDir, `${service}.yaml`), 'utf8')) as {
    verification?: { type: string; with?: { query?: string } }[];
  };
  const query = rb.verification?.find((s) => s.type === 'prometheus.check')?.with?.query;
  if (!query) throw new Error(`${service}.yaml has no prometheus.check query`);
  return query;
}

export async function startAllReal(opts: AllRealOptions): Promise<AllReal> {
  const promPort = await freePort();
  const bot = await startBot({
    runbooksDir: opts.runbooksDir,
    stepMs: opts.stepMs ?? 40,
    ...(opts.env ? { env: opts.env } : {}),
    // As PROMETHEUS_URL would: every prometheus.check without its own url asks the real one.
    configure: (config) => ({ ...config, prometheusUrl: `http://127.0.0.1:${promPort}` }),
  });
  const closers: (() => Promise<void>)[] = [() => bot.close()];
  const close = async () => {
    for (const c of closers.splice(0).reverse()) await c().catch(() => undefined);
  };
  try {
    const config = parse(
      readmeAlertmanagerConfig({
        webhookUrl: `${bot.url}/webhooks/alertmanager`,
        token: bot.world.secrets.alertmanagerToken,
      }),
    ) as { route: { routes: { receiver: string }[] } };
    const route = config.route.routes.find((r) => r.receiver === 'rollbot');
    if (!route) throw new Error('the README snippet has no rollbot route');
    if (opts.routeTimings) Object.assign(route, opts.routeTimings);
    const alertmanagerYaml = stringify(config);
    const alertmanager = await startAlertmanager(opts.alertmanagerBinary, alertmanagerYaml);
    closers.push(() => alertmanager.stop());

    const target = new URL(bot.world.prometheus.url).host;
    const rules = await Promise.all(
      opts.services.map(async (s) => ({
        alert: 'HighErrorRatio',
        expr: `(${await runbookQuery(opts.runbooksDir, s.service)}) > ${opts.alertAbove}`,
        labels: { severity: 'critical', service: s.service, namespace: s.deployment.split('/')[0] },
        annotations: { summary: `${s.service} is serving errors` },
      })),
    );
    const prometheus = await startPrometheus({
      binary: opts.prometheusBinary,
      port: promPort,
      scrapeInterval: opts.scrapeInterval,
      evaluationInterval: opts.evaluationInterval,
      alertmanager: alertmanager.address,
      scrape: opts.services.map((s) => ({
        job: s.service,
        target,
        metricsPath: `/services/${s.deployment}/metrics`,
      })),
      ruleGroups: [{ name: 'rollbot-e2e', rules }],
    });
    closers.push(() => prometheus.stop());
    return { bot, prometheus, alertmanager, alertmanagerYaml, close };
  } catch (err) {
    await close();
    throw err;
  }
}
