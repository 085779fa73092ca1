import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { asRollbotError, httpStatusFor } from '../core/errors.js';
import { requestIdFrom, withRequestId } from '../log/request-context.js';

/** Health probes and metric scrapes arrive every few seconds: their lines are debug. */
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * rollbot's HTTP server: a small route table in front of Bolt's request listener. One server
 * serves Slack (/slack/events), alert webhooks, health, readiness and metrics, so one port and
 * one graceful shutdown cover all of them. Every request gets an id (`x-request-id`: kept from
 * the caller when sane, else new; echoed in the reply) that every log line written for it carries.
 */
export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export interface Route {
  method: 'GET' | 'POST' | '*';
  path: string;
  handler: Handler;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export interface HttpServer {
  server: Server;
  listen(port: number, host: string): Promise<{ port: number; url: string }>;
  /** Stop accepting connections; resolve when open requests finished or `graceMs` passed. */
  close(graceMs: number): Promise<void>;
  inFlight(): number;
}

/**
 * Slow clients must not hold sockets forever (slowloris): Node's defaults give a request 60 s for
 * its headers and 300 s in all, checked only every 30 s. Slack and alert senders send small
 * bodies at once, so rollbot allows 10 s for headers and 30 s for the whole request.
 */
export interface HttpTimeouts {
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** How often Node checks the two above (default 1 s). */
  checkIntervalMs?: number;
}

export function createHttpServer(routes: Route[], log: Logger, timeouts: HttpTimeouts = {}): HttpServer {
  let inFlight = 0;
  const requestTimeout = timeouts.requestTimeoutMs ?? 30_000;
  const serverOptions = {
    headersTimeout: Math.min(timeouts.headersTimeoutMs ?? 10_000, requestTimeout),
    requestTimeout,
    connectionsCheckingInterval: timeouts.checkIntervalMs ?? 1000,
  };
  const handle = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    const matches = routes.filter((r) => r.path === path);
    // HEAD is GET without the body (RFC 9110 §9.3.2; Node's response drops the body itself), so a
    // scraper or load balancer probing with HEAD gets the same status and headers.
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    const route = matches.find((r) => r.method === '*' || r.method === method);
    try {
      if (!matches.length) return sendJson(res, 404, { error: 'not_found', reason: `no route for ${path}` });
      if (!route) {
        const allow = matches.flatMap((r) => (r.method === 'GET' ? ['GET', 'HEAD'] : [r.method])).join(', ');
        return sendJson(res, 405, { error: 'method_not_allowed', reason: `use ${allow}` }, { allow });
      }
      await route.handler(req, res);
    } catch (err) {
      const e = asRollbotError(err);
      const status = httpStatusFor(e.code);
      // 5xx bodies never carry internals; the log has them.
      log.error({ err: e, path, method: req.method }, 'request failed');
      sendJson(
        res,
        status,
        status >= 500
          ? { error: e.code, reason: 'internal error; see rollbot logs' }
          : { error: e.code, reason: e.message },
      );
    }
  };
  const server = createServer(serverOptions, (req, res) => {
    inFlight++;
    const started = process.hrtime.bigint();
    const path = (req.url ?? '/').split('?')[0]!;
    const reqId = requestIdFrom(req.headers['x-request-id']);
    res.setHeader('x-request-id', reqId);
    withRequestId(reqId, () => {
      // One line per request, as pino-http writes it; probes and scrapes only at debug.
      res.on('close', () => {
        inFlight--;
        const line = {
          req: { method: req.method, path },
          res: { statusCode: res.statusCode },
          responseTime: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
          ...(res.writableFinished ? {} : { aborted: true }),
        };
        if (QUIET_PATHS.has(path) && res.statusCode < 500) log.debug(line, 'request completed');
        else log.info(line, 'request completed');
      });
      void handle(req, res, path);
    });
  });
  server.keepAliveTimeout = 5000;
  // A client that sends garbage or resets mid-request is answered by Node (400/431) or dropped;
  // socket errors must never surface as an unhandled 'error' event.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (socket.writable && !socket.destroyed) {
      const status =
        err.code === 'HPE_HEADER_OVERFLOW'
          ? '431 Request Header Fields Too Large'
          : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
            ? '408 Request Timeout'
            : '400 Bad Request';
      const body = JSON.stringify({
        error: 'bad_request',
        reason: `malformed or too slow HTTP request (${err.code ?? 'error'})`,
      });
      socket.end(
        `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    } else socket.destroy();
  });
  return {
    server,
    inFlight: () => inFlight,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const addr = server.address() as AddressInfo;
          const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
          resolve({ port: addr.port, url: `http://${shownHost}:${addr.port}` });
        });
      }),
    close: (graceMs) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.closeAllConnections();
          resolve();
        }, graceMs);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
