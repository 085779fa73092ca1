/**
 * The HTTP edge for alert webhooks: a plain (req, res) handler the server mounts per source
 * (Bolt `customRoutes` hand over raw IncomingMessage/ServerResponse, unparsed).
 *
 * Order: POST only (405) → JSON content type (415) → header auth (bearer, 401) → body within
 * the size limit (413) → signature auth on the raw bytes (401) → JSON (400 with position) →
 * schema (400 naming the field) → ingest: 200 once stored (with `problems` when a stored alert
 * could not become a proposal, e.g. the cluster is unreachable: re-sending would not help), 503
 * only when it could not be stored (Alertmanager retries 5xx only, so 4xx means "never retry
 * this" and 503 means "send it again").
 * Every reply is JSON; nothing escapes the handler.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import { asRollbotError } from '../core/errors.js';
import type { AlertBatch, AlertSource } from './alert.js';
import { assertUsableAuth, authenticate, authNeedsBody, type SourceAuthConfig } from './auth.js';
import { readBody } from './body.js';
import { parseJson } from './json.js';
import { parseAlertBatch } from './parse.js';
import type { WebhookRejection } from './rejection.js';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface WebhookHandlerOptions {
  source: AlertSource;
  auth: SourceAuthConfig;
  /** Default 1 MiB. */
  maxBodyBytes?: number;
  clock: Pick<Clock, 'now'>;
  log: Logger;
  /**
   * Stores the batch (dedupe, incidents). Resolve once durable — with `problems` when stored alerts
   * could not become proposals (sent back with the 200); throw only when they could not be stored,
   * to have the sender retry.
   */
  ingest: (batch: AlertBatch) => Promise<void | { problems?: string[] | undefined }>;
  /** Called once per request with the status sent, for metrics. Must not throw (errors are logged). */
  onResult?: (source: AlertSource, status: number) => void;
}

export type WebhookHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

const JSON_TYPE = /^application\/json\s*(;.*)?$/i;

export function createWebhookHandler(opts: WebhookHandlerOptions): WebhookHandler {
  assertUsableAuth(opts.auth);
  const { source, auth, clock, ingest, onResult } = opts;
  const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const log = opts.log.child({ component: 'alerts.webhook', source });

  const send = (res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}) => {
    try {
      if (!res.headersSent) {
        res.writeHead(status, {
          'content-type': 'application/json; charset=utf-8',
          'cache-control': 'no-store',
          ...headers,
        });
      }
      if (!res.writableEnded) res.end(JSON.stringify(body));
    } catch (err) {
      log.warn({ err }, 'could not write webhook reply');
    }
    try {
      onResult?.(source, status);
    } catch (err) {
      log.warn({ err }, 'onResult hook threw');
    }
  };

  const reject = (res: ServerResponse, r: WebhookRejection, headers: Record<string, string> = {}) => {
    log.info(
      { status: r.status, error: r.error, field: r.field, reason: r.reason },
      'alert webhook rejected',
    );
    const body =
      r.field === undefined
        ? { error: r.error, reason: r.reason }
        : { error: r.error, field: r.field, reason: r.reason };
    send(res, r.status, body, headers);
  };

  const unauthorized = (res: ServerResponse, reason: string) =>
    reject(
      res,
      { status: 401, error: 'unauthorized', reason },
      auth.scheme === 'bearer' ? { 'www-authenticate': 'Bearer realm="rollbot"' } : {},
    );

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST') {
      req.resume();
      return reject(
        res,
        {
          status: 405,
          error: 'method_not_allowed',
          reason: `${req.method ?? 'this method'} is not allowed; use POST`,
        },
        { allow: 'POST' },
      );
    }
    const contentType = req.headers['content-type'] ?? '';
    if (!JSON_TYPE.test(contentType.trim())) {
      req.resume();
      const got =
        contentType === '' ? 'no Content-Type' : `Content-Type ${JSON.stringify(contentType.slice(0, 100))}`;
      return reject(res, {
        status: 415,
        error: 'unsupported_media_type',
        field: 'content-type',
        reason: `expected application/json, received ${got}`,
      });
    }
    const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (encoding !== 'identity' && encoding !== '') {
      req.resume();
      return reject(res, {
        status: 415,
        error: 'unsupported_media_type',
        field: 'content-encoding',
        reason: 'compressed bodies are not accepted',
      });
    }
    if (!authNeedsBody(auth)) {
      const result = authenticate(auth, req.headers, Buffer.alloc(0), clock);
      if (!result.ok) {
        req.resume();
        return unauthorized(res, result.reason);
      }
    }

    const body = await readBody(req, maxBodyBytes);
    if (body.kind === 'aborted') {
      log.info('client went away before the body was read');
      return;
    }
    if (body.kind === 'too_large') {
      return reject(
        res,
        {
          status: 413,
          error: 'payload_too_large',
          field: '(body)',
          reason: `body exceeds ${maxBodyBytes} bytes`,
        },
        { connection: 'close' },
      );
    }

    if (authNeedsBody(auth)) {
      const result = authenticate(auth, req.headers, body.body, clock);
      if (!result.ok) return unauthorized(res, result.reason);
    }

    const json = parseJson(body.body.toString('utf8'));
    if (!json.ok)
      return reject(res, { status: 400, error: 'bad_request', field: '(body)', reason: json.reason });

    const parsed = parseAlertBatch(source, json.value, clock.now());
    if (!parsed.ok) return reject(res, parsed.rejection);

    let problems: string[] = [];
    try {
      problems = (await ingest(parsed.batch))?.problems ?? [];
    } catch (err) {
      const e = asRollbotError(err);
      // Any failure to store is worth a retry from the sender: 503, never a 4xx.
      log.error(
        { err, code: e.code, groupKey: parsed.batch.groupKey },
        'alert ingest failed; asking the sender to retry',
      );
      const error = e.code === 'store_unavailable' ? 'store_unavailable' : 'ingest_failed';
      return send(
        res,
        503,
        { error, reason: 'alert could not be stored; retry later' },
        { 'retry-after': '5' },
      );
    }
    log.info({ groupKey: parsed.batch.groupKey, alerts: parsed.batch.alerts.length }, 'alert batch accepted');
    send(res, 200, {
      status: 'accepted',
      alerts: parsed.batch.alerts.length,
      ...(problems.length ? { problems } : {}),
    });
  };

  return async (req, res) => {
    try {
      await handle(req, res);
    } catch (err) {
      log.error({ err }, 'alert webhook handler failed');
      send(res, 500, { error: 'internal', reason: 'unexpected error; retry later' });
    }
  };
}
