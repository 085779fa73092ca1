/**
 * The HTTP front of the simulator (node:http): request log, fault injection, bearer-token check,
 * routing, RBAC, dispatch to the REST handlers, and `Status` bodies for every failure.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Cluster, ClusterLog } from './cluster.js';
import type { Faults } from './faults.js';
import { authorize, type Rbac } from './rbac.js';
import { getObject, listObjects, type ApiResponse } from './reads.js';
import { isWatchRequest, route } from './router.js';
import { genericStatus, internalError, KubeStatusError, methodNotSupported, unauthorized } from './status.js';
import { toTable, wantsTable } from './table.js';
import type { KubeObject } from './objects.js';
import { serveWatch } from './watch.js';
import { createObject, deleteObject, patchObject, updateObject } from './writes.js';

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string | undefined;
  accept: string | undefined;
  userAgent: string | undefined;
  body: string;
  /** HTTP status answered (undefined while a watch is still streaming or when the connection was dropped). */
  status?: number;
  at: number;
}

export interface ServerContext {
  cluster: Cluster;
  faults: Faults;
  rbac: Rbac | undefined;
  token: string;
  log: ClusterLog;
  requests: LoggedRequest[];
  serverAddress: () => string;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  contentType = 'application/json',
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
  });
  res.end(text);
}

function sendStatus(res: ServerResponse, err: KubeStatusError): void {
  sendJson(res, err.code, err.status);
}

export async function handle(ctx: ServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sandbox');
  const method = (req.method ?? 'GET').toUpperCase();
  const body = await readBody(req);
  const entry: LoggedRequest = {
    method,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    contentType: req.headers['content-type'],
    accept: req.headers.accept,
    userAgent: req.headers['user-agent'],
    body,
    at: Date.now(),
  };
  ctx.requests.push(entry);
  res.on('finish', () => (entry.status = res.statusCode));
  ctx.log.debug?.({ method, path: url.pathname, query: url.search }, 'kube request');

  const watch = isWatchRequest(method, url.pathname, url.searchParams);
  const fault = ctx.faults.take(method, url.pathname, url.searchParams.toString(), watch);
  if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
  if (fault?.dropConnection) {
    req.socket.destroy();
    return;
  }
  if (fault?.status !== undefined) return sendStatus(res, genericStatus(fault.status));

  try {
    const auth = req.headers.authorization;
    if (auth !== undefined && auth !== `Bearer ${ctx.token}`) throw unauthorized();
    const r = route(
      method,
      url.pathname,
      url.searchParams,
      body,
      req.headers['content-type'] ?? '',
      ctx.serverAddress(),
    );
    if (r.kind === 'static') return sendJson(res, r.status, r.body, r.contentType);
    const { verb, request } = r;
    authorize(ctx.rbac, {
      ...request.info,
      verb,
      namespace: request.namespace,
      name: request.name,
      subresource: request.subresource,
    });
    let out: ApiResponse;
    switch (verb) {
      case 'get':
        out = getObject(ctx.cluster, request);
        if (wantsTable(req.headers.accept) && !request.subresource) {
          out = { status: 200, body: toTable(request.info, [out.body as KubeObject], {}) };
        }
        break;
      case 'list': {
        out = listObjects(ctx.cluster, request);
        if (wantsTable(req.headers.accept)) {
          const list = out.body as { metadata: Record<string, unknown>; items: KubeObject[] };
          out = { status: 200, body: toTable(request.info, list.items, list.metadata) };
        }
        break;
      }
      case 'watch': {
        const opts = fault?.endWatchAfterMs !== undefined ? { endAfterMs: fault.endWatchAfterMs } : {};
        serveWatch(ctx.cluster, request, res, opts);
        return;
      }
      case 'create':
        out = createObject(ctx.cluster, request);
        break;
      case 'update':
        out = updateObject(ctx.cluster, request);
        break;
      case 'patch':
        out = patchObject(ctx.cluster, request);
        break;
      case 'delete':
        out = deleteObject(ctx.cluster, request);
        break;
      case 'deletecollection':
        throw methodNotSupported(request.info, 'deletecollection');
    }
    sendJson(res, out.status, out.body);
  } catch (err) {
    if (err instanceof KubeStatusError) return sendStatus(res, err);
    ctx.log.warn?.({ err: (err as Error).stack ?? String(err) }, 'sandbox kube handler error');
    sendStatus(res, internalError((err as Error).message ?? String(err)));
  }
}
