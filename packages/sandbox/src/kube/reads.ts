/**
 * GET and LIST over the store: selectors, `limit`/`continue` pagination (continue tokens shaped
 * like the apiserver's: base64 JSON with `v`, `rv`, `start`), list metadata, and the Scale
 * subresource view of a workload.
 */
import type { Cluster } from './cluster.js';
import { formatLabelSelector } from './selectors.js';
import { clone, type KubeObject } from './objects.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import { apiVersionOf, type ResourceInfo } from './resources.js';
import { badRequest, notFound } from './status.js';

export interface ApiRequest {
  method: string;
  info: ResourceInfo;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
  query: URLSearchParams;
  body: string;
  contentType: string;
}

export interface ApiResponse {
  status: number;
  body: unknown;
}

/** The object as clients see it: kind and apiVersion set. */
export function withType(info: ResourceInfo, obj: KubeObject): KubeObject {
  return { apiVersion: apiVersionOf(info), kind: info.kind, ...stripType(obj) };
}

export function stripType(obj: KubeObject): KubeObject {
  const { apiVersion: _a, kind: _k, ...rest } = obj;
  void _a;
  void _k;
  return rest as KubeObject;
}

export function mustGet(c: Cluster, req: ApiRequest): KubeObject {
  const obj = c.store.get(req.info.resource, req.info.namespaced ? req.namespace : undefined, req.name!);
  if (!obj) throw notFound(req.info, req.name!);
  return obj;
}

export function scaleOf(obj: KubeObject): KubeObject {
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
      creationTimestamp: obj.metadata.creationTimestamp,
    },
    spec: { replicas: obj.spec?.replicas ?? 0 },
    status: { replicas: obj.status?.replicas ?? 0, selector: formatLabelSelector(obj.spec?.selector) },
  };
}

export function getObject(c: Cluster, req: ApiRequest): ApiResponse {
  const obj = mustGet(c, req);
  if (req.subresource === 'scale') return { status: 200, body: scaleOf(obj) };
  return { status: 200, body: withType(req.info, obj) };
}

interface ContinueToken {
  v: string;
  rv: number;
  start: string;
}

function decodeContinue(token: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as ContinueToken;
    if (parsed.v !== 'meta.k8s.io/v1' || typeof parsed.start !== 'string') throw new Error('bad version');
    return parsed;
  } catch {
    throw badRequest(
      'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
    );
  }
}

function objectKey(obj: KubeObject): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
}

/** Objects matching the request's namespace and selectors, in key order. */
export function selectObjects(c: Cluster, req: ApiRequest): KubeObject[] {
  const labels = parseLabelSelector(req.query.get('labelSelector'));
  const fields = parseFieldSelector(req.query.get('fieldSelector'), req.info.kind);
  return c.store
    .list(req.info.resource, req.info.namespaced ? req.namespace : undefined)
    .filter((o) => labels.matches(o.metadata.labels) && fields.matches(o));
}

export function listObjects(c: Cluster, req: ApiRequest): ApiResponse {
  let items = selectObjects(c, req);
  const rv = c.store.currentResourceVersion();
  const cont = req.query.get('continue');
  let listRv = rv;
  if (cont) {
    const token = decodeContinue(cont);
    listRv = token.rv;
    items = items.filter((o) => objectKey(o) >= token.start);
  }
  const limitRaw = req.query.get('limit');
  const limit = limitRaw ? Number(limitRaw) : 0;
  const metadata: Record<string, unknown> = { resourceVersion: String(listRv) };
  if (limit > 0 && items.length > limit) {
    const page = items.slice(0, limit);
    const next = `${objectKey(page[page.length - 1]!)}\u0000`;
    metadata.continue = Buffer.from(
      JSON.stringify({ v: 'meta.k8s.io/v1', rv: listRv, start: next }),
    ).toString('base64');
    // Like the apiserver, the remaining count is only known for unfiltered lists.
    if (!req.query.get('labelSelector') && !req.query.get('fieldSelector')) {
      metadata.remainingItemCount = items.length - limit;
    }
    items = page;
  }
  return {
    status: 200,
    body: {
      kind: req.info.listKind,
      apiVersion: apiVersionOf(req.info),
      metadata,
      items: items.map((o) => stripType(clone(o))),
    },
  };
}
