/**
 * A real Alertmanager (Debian's 0.25, /usr/bin/prometheus-alertmanager) for a test, and `amtool`.
 * Gossip is off (`--cluster.listen-address=`): a single instance on free ports, its own storage.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Daemon, freePort, tempDir } from './daemon.js';

const run = promisify(execFile);

/** `amtool check-config` on a YAML text: its exit code and what it printed. */
export async function amtoolCheckConfig(
  amtool: string,
  yamlText: string,
): Promise<{ ok: boolean; output: string }> {
  const dir = await tempDir('amtool');
  const file = join(dir.path, 'alertmanager.yml');
  await writeFile(file, yamlText);
  try {
    const { stdout, stderr } = await run(amtool, ['check-config', file]);
    return { ok: true, output: `${stdout}${stderr}` };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? e.message}` };
  } finally {
    await dir.cleanup();
  }
}

export interface AmSilence {
  id: string;
  status: { state: 'active' | 'pending' | 'expired' };
  matchers: { name: string; value: string; isRegex: boolean; isEqual?: boolean }[];
  comment: string;
  createdBy: string;
  startsAt: string;
  endsAt: string;
}

export interface RunningAlertmanager {
  url: string;
  /** `host:port`, for Prometheus' alerting config. */
  address: string;
  /** GET /api/v2/alerts (optionally with `filter` matchers, e.g. ['service="payments-api"']). */
  alerts(
    filter?: string[],
  ): Promise<{ labels: Record<string, string>; status: { state: string; silencedBy: string[] } }[]>;
  silences(): Promise<AmSilence[]>;
  /** POST /api/v2/alerts: what Prometheus would send. */
  postAlerts(
    alerts: { labels: Record<string, string>; annotations?: Record<string, string> }[],
  ): Promise<void>;
  stop(): Promise<void>;
}

export async function startAlertmanager(binary: string, configYaml: string): Promise<RunningAlertmanager> {
  const dir = await tempDir('alertmanager');
  const port = await freePort();
  const configFile = join(dir.path, 'alertmanager.yml');
  await writeFile(configFile, configYaml);
  const daemon = await Daemon.spawn('alertmanager', binary, [
    `--config.file=${configFile}`,
    `--storage.path=${join(dir.path, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--cluster.listen-address=',
    '--log.level=warn',
  ]);
  const url = `http://127.0.0.1:${port}`;
  await daemon.ready('ready', async () => (await fetch(`${url}/-/ready`)).ok);
  const json = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const res = await fetch(`${url}${path}`, init);
    const text = await res.text();
    if (!res.ok) throw new Error(`Alertmanager ${path}: HTTP ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  return {
    url,
    address: `127.0.0.1:${port}`,
    alerts: (filter = []) =>
      json(`/api/v2/alerts?${filter.map((f) => `filter=${encodeURIComponent(f)}`).join('&')}`),
    silences: () => json('/api/v2/silences'),
    postAlerts: async (alerts) =>
      void (await json('/api/v2/alerts', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alerts),
      })),
    stop: async () => {
      await daemon.stop();
      await dir.cleanup();
    },
  };
}
