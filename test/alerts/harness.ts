/**
 * Shared by the alert webhook tests: fixtures (one place), a real HTTP server on port 0 running
 * the real handler, with a manual clock, a recording ingest and captured logs.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { ManualClock } from '../../src/core/clock.js';
import type { AlertBatch, AlertSource } from '../../src/alerts/alert.js';
import type { SourceAuthConfig } from '../../src/alerts/auth.js';
import { createWebhookHandler } from '../../src/alerts/webhook.js';

export type FixtureName =
  'alertmanager-mixed' | 'alertmanager-resolved' | 'grafana-firing' | 'grafana-legacy' | 'generic-firing';

/** A fixture as its exact text (what a sender signs) … */
export function fixtureText(name: FixtureName): string {
  return readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8');
}
/** … or as a fresh object to mutate. */
export function fixture(name: FixtureName): Record<string, any> {
  return JSON.parse(fixtureText(name)) as Record<string, any>;
}

export const TOKEN = 'am-token-0123456789abcdef';
export const SECRET = 'generic-secret-0123456789abcdef';
export const GRAFANA_SECRET = 'grafana-secret-0123456789abcdef';

export interface Harness {
  url: string;
  clock: ManualClock;
  batches: AlertBatch[];
  results: { source: AlertSource; status: number }[];
  logs: Record<string, unknown>[];
  /** Replace to make ingest fail. */
  ingest: (batch: AlertBatch) => Promise<void>;
  close(): Promise<void>;
}

export async function startWebhook(
  source: AlertSource,
  auth: SourceAuthConfig,
  opts: { maxBodyBytes?: number } = {},
): Promise<Harness> {
  const logs: Record<string, unknown>[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  const clock = new ManualClock();
  const harness: Harness = {
    url: '',
    clock,
    batches: [],
    results: [],
    logs,
    ingest: async (batch) => void harness.batches.push(batch),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const handler = createWebhookHandler({
    source,
    auth,
    clock,
    log,
    ...(opts.maxBodyBytes === undefined ? {} : { maxBodyBytes: opts.maxBodyBytes }),
    ingest: (batch) => harness.ingest(batch),
    onResult: (s, status) => void harness.results.push({ source: s, status }),
  });
  const server: Server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  harness.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const close = harness.close;
  harness.close = async () => {
    server.closeAllConnections();
    await close();
  };
  return harness;
}

export const nowSeconds = (clock: ManualClock) => Math.floor(clock.now() / 1000);

export async function post(
  url: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; json: Record<string, any> }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: JSON.parse(text) as Record<string, any> };
}
