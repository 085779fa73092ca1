/**
 * A real Prometheus (Debian's 2.42) for a test: its own config, rules and TSDB in a temp dir, on a
 * free loopback port, with the lifecycle API on so a test can reload after changing targets.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { Daemon, freePort, tempDir, until } from './daemon.js';

export interface PrometheusOptions {
  /** `prometheus` binary (from describeWithBinaries). */
  binary: string;
  /** Scrape targets as `host:port`, one job each; `metricsPath` defaults to /metrics. */
  scrape?: { job: string; target: string; metricsPath?: string }[];
  /** Rule groups, written to rules.yml as Prometheus reads them. */
  ruleGroups?: unknown[];
  /** Alertmanager `host:port` to send alerts to. */
  alertmanager?: string;
  scrapeInterval?: string;
  evaluationInterval?: string;
  /** Listen here (e.g. a port chosen earlier, so the bot's PROMETHEUS_URL is known first). */
  port?: number;
}

export interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface RunningPrometheus {
  url: string;
  port: number;
  /** Instant query; throws on an API error. */
  query(expr: string): Promise<Sample[]>;
  /** Active alerts as /api/v1/alerts lists them. */
  alerts(): Promise<{ labels: Record<string, string>; state: string }[]>;
  /** Waits until every scrape target reports `up`. */
  targetsUp(): Promise<void>;
  stop(): Promise<void>;
}

export async function startPrometheus(opts: PrometheusOptions): Promise<RunningPrometheus> {
  const dir = await tempDir('prometheus');
  const port = opts.port ?? (await freePort());
  const config = {
    global: {
      scrape_interval: opts.scrapeInterval ?? '1s',
      evaluation_interval: opts.evaluationInterval ?? '1s',
    },
    ...(opts.ruleGroups ? { rule_files: [join(dir.path, 'rules.yml')] } : {}),
    ...(opts.alertmanager
      ? { alerting: { alertmanagers: [{ static_configs: [{ targets: [opts.alertmanager] }] }] } }
      : {}),
    scrape_configs: (opts.scrape ?? []).map((s) => ({
      job_name: s.job,
      metrics_path: s.metricsPath ?? '/metrics',
      static_configs: [{ targets: [s.target] }],
    })),
  };
  await writeFile(join(dir.path, 'prometheus.yml'), stringify(config));
  if (opts.ruleGroups) await writeFile(join(dir.path, 'rules.yml'), stringify({ groups: opts.ruleGroups }));
  const daemon = await Daemon.spawn('prometheus', opts.binary, [
    `--config.file=${join(dir.path, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir.path, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--web.enable-lifecycle',
    '--log.level=warn',
  ]);
  const url = `http://127.0.0.1:${port}`;
  await daemon.ready('ready', async () => (await fetch(`${url}/-/ready`)).ok);

  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${url}${path}`);
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`Prometheus ${path}: ${body.error ?? res.status}`);
    return body.data;
  };
  return {
    url,
    port,
    query: async (expr) =>
      (await api<{ result: Sample[] }>(`/api/v1/query?query=${encodeURIComponent(expr)}`)).result,
    alerts: async () =>
      (await api<{ alerts: { labels: Record<string, string>; state: string }[] }>('/api/v1/alerts')).alerts,
    targetsUp: async () => {
      await until(
        'every Prometheus target to be up',
        async () => {
          const data = await api<{ activeTargets: { health: string }[] }>('/api/v1/targets');
          return data.activeTargets.length > 0 && data.activeTargets.every((t) => t.health === 'up');
        },
        30_000,
        100,
      );
    },
    stop: async () => {
      await daemon.stop();
      await dir.cleanup();
    },
  };
}
