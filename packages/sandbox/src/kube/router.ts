/**
 * URL → API request: discovery documents, and resource paths
 * (`/api/v1/namespaces/{ns}/pods/{name}`, `/apis/apps/v1/deployments`, `…/{name}/status|scale`)
 * mapped to a verb the authorizer and the handlers understand.
 */
import type { ApiRequest } from './reads.js';
import {
  apiGroupList,
  apiResourceList,
  apiVersions,
  appsGroup,
  resourceInfo,
  SERVER_VERSION,
  type ResourceInfo,
} from './resources.js';
import { methodNotAllowed, pathNotFound } from './status.js';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export type Route =
  | { kind: 'static'; status: number; body: unknown; contentType?: string }
  | { kind: 'api'; verb: Verb; request: ApiRequest };

function isWatchQuery(query: URLSearchParams): boolean {
  const w = query.get('watch');
  return w === '1' || w === 'true';
}

export function isWatchRequest(method: string, path: string, query: URLSearchParams): boolean {
  return method === 'GET' && (isWatchQuery(query) || /\/watch\//.test(path));
}

function discovery(path: string, serverAddress: string): Route | undefined {
  const ok = (body: unknown): Route => ({ kind: 'static', status: 200, body });
  switch (path) {
    case '/healthz':
    case '/livez':
    case '/readyz':
      return { kind: 'static', status: 200, body: 'ok', contentType: 'text/plain; charset=utf-8' };
    case '/version':
      return ok(SERVER_VERSION);
    case '/api':
      return ok(apiVersions(serverAddress));
    case '/apis':
      return ok(apiGroupList());
    case '/apis/apps':
      return ok({ kind: 'APIGroup', apiVersion: 'v1', ...appsGroup() });
    case '/api/v1':
      return ok(apiResourceList('', 'v1'));
    case '/apis/apps/v1':
      return ok(apiResourceList('apps', 'v1'));
    default:
      return undefined;
  }
}

function verbFor(method: string, named: boolean, query: URLSearchParams): Verb {
  switch (method) {
    case 'GET':
      return named ? 'get' : isWatchQuery(query) ? 'watch' : 'list';
    case 'POST':
      if (named) throw methodNotAllowed();
      return 'create';
    case 'PUT':
      if (!named) throw methodNotAllowed();
      return 'update';
    case 'PATCH':
      if (!named) throw methodNotAllowed();
      return 'patch';
    case 'DELETE':
      return named ? 'delete' : 'deletecollection';
    default:
      throw methodNotAllowed();
  }
}

/** Resolves a request path; throws a 404/405 Status for paths or methods the server does not serve. */
export function route(
  method: string,
  path: string,
  query: URLSearchParams,
  body: string,
  contentType: string,
  serverAddress: string,
): Route {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  const d = discovery(trimmed, serverAddress);
  if (d) {
    if (method !== 'GET') throw methodNotAllowed();
    return d;
  }
  const parts = trimmed
    .split('/')
    .filter((p) => p.length > 0)
    .map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 2) [group, version, rest] = ['', parts[1]!, parts.slice(2)];
  else if (parts[0] === 'apis' && parts.length >= 3)
    [group, version, rest] = [parts[1]!, parts[2]!, parts.slice(3)];
  else throw pathNotFound();

  let namespace: string | undefined;
  let info: ResourceInfo | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && resourceInfo(group, version, rest[2]!)) {
    namespace = rest[1];
    info = resourceInfo(group, version, rest[2]!);
    rest = rest.slice(3);
  } else {
    info = resourceInfo(group, version, rest[0] ?? '');
    rest = rest.slice(1);
  }
  if (!info || rest.length > 2) throw pathNotFound();
  // A namespaced kind listed across namespaces is fine; a named one needs its namespace.
  if (info.namespaced && namespace === undefined && rest.length > 0) throw pathNotFound();
  const name = rest[0];
  const subresource = rest[1];
  if (subresource !== undefined && !info.subresources.includes(subresource)) throw pathNotFound();
  const verb = verbFor(method, name !== undefined, query);
  if (subresource && !['get', 'update', 'patch'].includes(verb)) throw methodNotAllowed();
  return {
    kind: 'api',
    verb,
    request: { method, info, namespace, name, subresource, query, body, contentType },
  };
}
