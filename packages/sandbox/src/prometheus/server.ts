/**
 * `startPrometheusSimulator`: Prometheus' instant-query API (`GET|POST /api/v1/query`, exact JSON
 * shapes and `bad_data` errors) plus the sandbox services' health endpoints
 * (`GET /services/<namespace>/<deployment>/healthz`), both driven by what the cluster serves, and
 * the services' request counters for a real Prometheus to scrape (`GET /services/<ns>/<deploy>/metrics`,
 * or all of them at `GET /metrics`; exposition.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Scenario } from '../scenario/schema.js';
import type { ServingView } from '../kube/index.js';
import { startRequestCounters } from './exposition.js';
import { evaluate } from './query.js';

export interface PrometheusSimulatorOptions {
  scenario: Scenario;
  /** What is serving: the KubeSimulator itself satisfies this. */
  kube: ServingView;
  host?: string;
  port?: number;
}

export interface PrometheusSimulator {
  readonly url: string;
  /** Every query received (after form/query decoding), for tests. */
  readonly queries: string[];
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function badData(res: ServerResponse, error: string): void {
  send(res, 400, { status: 'error', errorType: 'bad_data', error });
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** Prometheus accepts RFC 3339 or Unix seconds (float). */
function parseTime(raw: string | null): number | undefined | 'invalid' {
  if (raw === null || raw === '') return undefined;
  if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  const ms = Date.parse(raw);
  return Number.isNaN(ms) ? 'invalid' : ms / 1000;
}

const EXPOSITION = 'text/plain; version=0.0.4; charset=utf-8';

function sendText(res: ServerResponse, text: string): void {
  res.writeHead(200, { 'Content-Type': EXPOSITION, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function health(kube: ServingView, res: ServerResponse, namespace: string, deployment: string): void {
  const images = kube.readyImages(namespace, deployment);
  if (images === undefined)
    return send(res, 404, { status: 'not_found', error: `no service ${namespace}/${deployment}` });
  const bad = [...new Set(images.filter((i) => kube.imageState(i) === 'bad'))];
  const unique = [...new Set(images)];
  if (images.length === 0) return send(res, 500, { status: 'failing', reason: 'no ready pods', images: [] });
  if (bad.length > 0)
    return send(res, 500, { status: 'failing', reason: 'serving errors', image: bad[0], images: unique });
  send(res, 200, { status: 'ok', image: unique[0], images: unique });
}

export async function startPrometheusSimulator(
  opts: PrometheusSimulatorOptions,
): Promise<PrometheusSimulator> {
  const queries: string[] = [];
  const counters = startRequestCounters(opts.scenario.metrics, opts.kube);
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://sandbox');
      const service = /^\/services\/([^/]+)\/([^/]+)\/(healthz|metrics)$/.exec(url.pathname);
      if (service && req.method === 'GET') {
        const [namespace, deployment] = [decodeURIComponent(service[1]!), decodeURIComponent(service[2]!)];
        if (service[3] === 'healthz') return health(opts.kube, res, namespace, deployment);
        const text = counters.render(namespace, deployment);
        if (text === undefined)
          return send(res, 404, {
            status: 'not_found',
            error: `${namespace}/${deployment} serves no metrics`,
          });
        return sendText(res, text);
      }
      if (url.pathname === '/metrics' && req.method === 'GET') return sendText(res, counters.renderAll());
      if (url.pathname !== '/api/v1/query')
        return send(res, 404, { status: 'error', errorType: 'not_found', error: 'not found' });
      if (req.method !== 'GET' && req.method !== 'POST')
        return send(res, 405, { status: 'error', errorType: 'bad_data', error: 'method not allowed' });
      const params = new URLSearchParams(url.searchParams);
      if (req.method === 'POST') for (const [k, v] of await readForm(req)) params.set(k, v);
      const query = params.get('query');
      if (query === null || query.trim() === '')
        return badData(res, 'invalid parameter "query": 1:1: parse error: no expression found in input');
      const time = parseTime(params.get('time'));
      if (time === 'invalid')
        return badData(
          res,
          `invalid parameter "time": cannot parse "${params.get('time')}" to a valid timestamp`,
        );
      queries.push(query);
      const t = time ?? Date.now() / 1000;
      send(res, 200, {
        status: 'success',
        data: { resultType: 'vector', result: evaluate(opts.scenario.metrics, opts.kube, query, t) },
      });
    })().catch((err: unknown) =>
      send(res, 500, { status: 'error', errorType: 'internal', error: String(err) }),
    );
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    url,
    queries,
    close: () =>
      new Promise<void>((resolve) => {
        counters.stop();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
