/**
 * Raw JSON requests to the API server with the kubeconfig's credentials and TLS settings
 * (`kc.applyToFetchOptions`, as client-node's Watch does). Used for everything rollbot reads to
 * write back, so pod-template fields unknown to the typed models survive.
 */
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { systemClock } from '../core/clock.js';
import { RollbotError } from '../core/errors.js';
import type { Logger } from '../log/logger.js';
import { retrying } from '../core/retry.js';
import { errorFromStatus, type KubeAction, type KubeStatus, networkError } from './errors.js';

export interface RawRequest {
  method: 'GET' | 'PATCH';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  contentType?: string;
  action: KubeAction;
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const READ_ATTEMPTS = 4;
const READ_BACKOFF_MS = 100;

export class RawKube {
  constructor(
    private readonly kc: KubeConfig,
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
    /** Request lines (debug), for this client's requests and its watches. */
    readonly log?: Logger | undefined,
    /** Set when there is no usable config at all: every request fails with it. */
    private readonly unconfigured?: RollbotError | undefined,
  ) {}

  get server(): string {
    const cluster = this.kc.getCurrentCluster();
    if (!cluster)
      throw new RollbotError('config_invalid', 'the kubeconfig has no current cluster', {
        hint: 'set current-context or pass --context',
      });
    return cluster.server;
  }

  /**
   * GETs are safe to repeat: a 5xx/429 or a lost connection is retried a few times with a short,
   * doubling, bounded backoff (100 ms, 200 ms, 400 ms). Writes are never repeated here — whether a
   * write may be repeated is the caller's decision (the undo re-reads and converges instead).
   */
  async request<T>(req: RawRequest): Promise<T> {
    if (this.unconfigured) throw this.unconfigured;
    if (req.method !== 'GET') return this.once<T>(req);
    return retrying(() => this.once<T>(req), {
      attempts: READ_ATTEMPTS,
      baseMs: READ_BACKOFF_MS,
      normalise: (err) => err,
      retryable: (err) =>
        err instanceof RollbotError && err.code === 'upstream_failed' && err.details?.['retryable'] === true,
      // The wait itself is not cut short: the next attempt sees the abort and says "cancelled".
      sleep: (ms) => systemClock.sleep(ms),
      signal: req.signal,
    });
  }

  private async once<T>(req: RawRequest): Promise<T> {
    const url = new URL(this.server.replace(/\/+$/, '') + req.path);
    for (const [k, v] of Object.entries(req.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    const init = (await this.kc.applyToFetchOptions({})) as { agent?: http.Agent; headers?: Headers };
    const headers: Record<string, string> = { Accept: 'application/json' };
    init.headers?.forEach((value, key) => (headers[key] = value));
    const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
    if (payload) {
      headers['Content-Type'] = req.contentType ?? 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    let res: { status: number; text: string };
    const started = Date.now();
    try {
      res = await send(
        url,
        { method: req.method, headers, agent: init.agent, timeoutMs: this.timeoutMs, signal: req.signal },
        payload,
      );
      this.log?.debug(
        { method: req.method, path: req.path, status: res.status, ms: Date.now() - started },
        'kubernetes request',
      );
    } catch (err) {
      this.log?.debug(
        { method: req.method, path: req.path, err: (err as Error).message, ms: Date.now() - started },
        'kubernetes request failed',
      );
      if (req.signal?.aborted)
        throw new RollbotError('cancelled', `cancelled: ${req.action.verb} ${req.action.resource}`, {
          cause: err,
        });
      throw networkError(err, req.action, this.server);
    }
    let json: unknown;
    try {
      json = res.text ? JSON.parse(res.text) : undefined;
    } catch {
      json = undefined; // not JSON (a proxy's HTML page): handled below by status, quoting the text
    }
    if (res.status >= 200 && res.status < 300) {
      if (json === undefined)
        throw networkError(new Error(`HTTP ${res.status} with a non-JSON body`), req.action, this.server);
      return json as T;
    }
    const status =
      json && typeof json === 'object' && (json as KubeStatus).kind === 'Status'
        ? (json as KubeStatus)
        : undefined;
    throw errorFromStatus(res.status, status ?? { message: res.text.slice(0, 300) || undefined }, req.action);
  }
}

function send(
  url: URL,
  opts: {
    method: string;
    headers: Record<string, string>;
    agent: http.Agent | undefined;
    timeoutMs: number;
    signal: AbortSignal | undefined;
  },
  payload: Buffer | undefined,
): Promise<{ status: number; text: string }> {
  const mod = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      url,
      {
        method: opts.method,
        headers: opts.headers,
        agent: opts.agent,
        timeout: opts.timeoutMs,
        signal: opts.signal,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${opts.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}
