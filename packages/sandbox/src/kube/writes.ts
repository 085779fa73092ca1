/**
 * Create, update (PUT), patch and delete, through one write path that does what the apiserver's
 * registry does: system metadata preserved, resourceVersion precondition (409 Conflict), status
 * and spec separated between the main resource and `/status`, defaults, validation, generation
 * bumped on spec changes, `dryRun=All` answered without storing anything.
 */
import { parse as parseYaml } from 'yaml';
import type { Cluster } from './cluster.js';
import { defaultDeployment, defaultReplicaSet, defaultPodSpec, validateWorkload } from './defaults.js';
import { applyJsonPatch } from './json-patch.js';
import { applyMergePatch, applyStrategicMergePatch } from './merge-patch.js';
import { canonical, clone, deepEqual, randomSuffix, type KubeObject } from './objects.js';
import { mustGet, scaleOf, withType, type ApiRequest, type ApiResponse } from './reads.js';
import {
  alreadyExists,
  badRequest,
  conflict,
  notFound,
  successStatus,
  unsupportedMediaType,
} from './status.js';

const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];

function isDryRun(req: ApiRequest): boolean {
  const values = req.query.getAll('dryRun');
  for (const v of values) if (v !== 'All') throw badRequest(`Invalid dry run value: ${v}`);
  return values.length > 0;
}

function mediaType(contentType: string): string {
  return contentType.split(';')[0]!.trim().toLowerCase();
}

/** Decodes a PUT/POST body (JSON or YAML); anything else is 415. */
function decodeBody(req: ApiRequest): KubeObject {
  const type = mediaType(req.contentType);
  let parsed: unknown;
  try {
    if (type === 'application/json' || type === '') parsed = JSON.parse(req.body);
    else if (type === 'application/yaml') parsed = parseYaml(req.body);
    else
      throw unsupportedMediaType([
        'application/json',
        'application/yaml',
        'application/vnd.kubernetes.protobuf',
      ]);
  } catch (err) {
    if (err instanceof Error && err.name === 'KubeStatusError') throw err;
    throw badRequest(`Object 'Kind' is missing in '${req.body.slice(0, 200)}'`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw badRequest('the body of the request must be a JSON object');
  const obj = parsed as KubeObject;
  obj.metadata ??= {} as KubeObject['metadata'];
  return obj;
}

function applyDefaults(resource: string, obj: KubeObject): void {
  if (resource === 'deployments') defaultDeployment(obj);
  else if (resource === 'replicasets') defaultReplicaSet(obj);
  else if (resource === 'pods') defaultPodSpec((obj.spec ??= {}));
}

function validate(resource: string, obj: KubeObject, old?: KubeObject): void {
  if (resource === 'deployments') validateWorkload(obj, 'Deployment', old);
  else if (resource === 'replicasets') validateWorkload(obj, 'ReplicaSet', old);
}

function hasGeneration(resource: string): boolean {
  return resource === 'deployments' || resource === 'replicasets';
}

/** The shared update path for PUT and PATCH. `next` is the full object the client wants. */
function commitUpdate(c: Cluster, req: ApiRequest, old: KubeObject, next: KubeObject): ApiResponse {
  const { info } = req;
  const dryRun = isDryRun(req);
  next.metadata ??= {} as KubeObject['metadata'];
  if (next.metadata.name !== undefined && next.metadata.name !== req.name) {
    throw badRequest(
      `the name of the object (${next.metadata.name}) does not match the name on the URL (${req.name})`,
    );
  }
  if (info.namespaced && next.metadata.namespace !== undefined && next.metadata.namespace !== req.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const wantRv = next.metadata.resourceVersion;
  if (wantRv !== undefined && wantRv !== '' && wantRv !== old.metadata.resourceVersion)
    throw conflict(info, req.name!);

  let obj: KubeObject;
  if (req.subresource === 'status') {
    obj = { ...clone(old), status: clone(next.status ?? {}) };
  } else {
    obj = clone(next);
    obj.status = clone(old.status);
    if (obj.status === undefined) delete obj.status;
  }
  obj.apiVersion = old.apiVersion;
  obj.kind = old.kind;
  obj.metadata.name = old.metadata.name;
  if (info.namespaced) obj.metadata.namespace = old.metadata.namespace;
  obj.metadata.uid = old.metadata.uid;
  obj.metadata.creationTimestamp = old.metadata.creationTimestamp;
  obj.metadata.resourceVersion = old.metadata.resourceVersion;
  if (old.metadata.generation !== undefined) obj.metadata.generation = old.metadata.generation;
  applyDefaults(info.resource, obj);
  validate(info.resource, obj, old);
  if (
    hasGeneration(info.resource) &&
    JSON.stringify(canonical(obj.spec)) !== JSON.stringify(canonical(old.spec))
  ) {
    obj.metadata.generation = (old.metadata.generation ?? 1) + 1;
  }
  if (dryRun) return { status: 200, body: withType(info, obj) };
  if (deepEqual(obj, old)) return { status: 200, body: withType(info, old) };
  const stored = c.store.update(info.resource, obj);
  c.schedule();
  return { status: 200, body: withType(info, stored) };
}

/** PUT/PATCH on `/scale`: only `spec.replicas` of the owner changes. */
function commitScale(c: Cluster, req: ApiRequest, old: KubeObject, scale: KubeObject): ApiResponse {
  const replicas = scale.spec?.replicas;
  if (typeof replicas !== 'number' || replicas < 0) {
    throw badRequest(
      `Scale.autoscaling "${req.name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
    );
  }
  const rv = scale.metadata?.resourceVersion;
  const next = { ...clone(old), spec: { ...clone(old.spec), replicas } };
  if (rv) next.metadata.resourceVersion = rv;
  const res = commitUpdate(c, { ...req, subresource: undefined }, old, next);
  return { status: 200, body: scaleOf(res.body as KubeObject) };
}

export function updateObject(c: Cluster, req: ApiRequest): ApiResponse {
  const old = mustGet(c, req);
  const body = decodeBody(req);
  if (req.subresource === 'scale') return commitScale(c, req, old, body);
  return commitUpdate(c, req, old, body);
}

export function patchObject(c: Cluster, req: ApiRequest): ApiResponse {
  const type = mediaType(req.contentType);
  if (!PATCH_TYPES.includes(type)) throw unsupportedMediaType(PATCH_TYPES);
  const old = mustGet(c, req);
  let patch: unknown;
  try {
    patch = type === 'application/apply-patch+yaml' ? parseYaml(req.body) : JSON.parse(req.body);
  } catch (err) {
    throw badRequest(`error decoding patch: ${(err as Error).message}`);
  }
  const base: KubeObject = req.subresource === 'scale' ? scaleOf(old) : withType(req.info, old);
  let next: KubeObject;
  if (type === 'application/json-patch+json') next = applyJsonPatch(base, patch);
  else if (type === 'application/merge-patch+json') next = applyMergePatch(base, patch) as KubeObject;
  // Server-side apply is served as a strategic merge (no field ownership tracking).
  else next = applyStrategicMergePatch(base, patch) as KubeObject;
  if (next === null || typeof next !== 'object' || Array.isArray(next))
    throw badRequest('patched object is not a JSON object');
  if (req.subresource === 'scale') return commitScale(c, req, old, next);
  return commitUpdate(c, req, old, next);
}

export function createObject(c: Cluster, req: ApiRequest): ApiResponse {
  const { info } = req;
  const dryRun = isDryRun(req);
  const obj = decodeBody(req);
  if (info.namespaced) {
    if (obj.metadata.namespace !== undefined && obj.metadata.namespace !== req.namespace) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    obj.metadata.namespace = req.namespace;
    if (!c.store.get('namespaces', undefined, req.namespace!))
      throw notFound({ group: '', resource: 'namespaces' }, req.namespace!);
  }
  if (!obj.metadata.name && obj.metadata.generateName)
    obj.metadata.name = `${obj.metadata.generateName}${randomSuffix()}`;
  for (const field of ['uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp'] as const)
    delete obj.metadata[field];
  obj.apiVersion = withType(info, obj).apiVersion;
  obj.kind = info.kind;
  applyDefaults(info.resource, obj);
  if (hasGeneration(info.resource)) obj.metadata.generation = 1;
  if (info.resource === 'deployments') obj.status = {};
  validate(info.resource, obj);
  if (!obj.metadata.name) throw badRequest('name or generateName is required');
  if (c.store.get(info.resource, obj.metadata.namespace, obj.metadata.name))
    throw alreadyExists(info, obj.metadata.name);
  if (dryRun) return { status: 201, body: withType(info, obj) };
  const stored = c.store.create(info.resource, obj, c.now());
  c.schedule();
  return { status: 201, body: withType(info, stored) };
}

export function deleteObject(c: Cluster, req: ApiRequest): ApiResponse {
  const old = mustGet(c, req);
  if (isDryRun(req)) return { status: 200, body: withType(req.info, old) };
  let precondition: { resourceVersion?: string; uid?: string } | undefined;
  if (req.body.trim()) {
    try {
      precondition = (JSON.parse(req.body) as { preconditions?: typeof precondition }).preconditions;
    } catch {
      throw badRequest('the body of the request is not valid DeleteOptions');
    }
  }
  if (precondition?.resourceVersion && precondition.resourceVersion !== old.metadata.resourceVersion) {
    throw conflict(
      req.info,
      req.name!,
      `Precondition failed: ResourceVersion in precondition: ${precondition.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`,
    );
  }
  if (precondition?.uid && precondition.uid !== old.metadata.uid) {
    throw conflict(
      req.info,
      req.name!,
      `Precondition failed: UID in precondition: ${precondition.uid}, UID in object meta: ${old.metadata.uid}`,
    );
  }
  const deleted = c.store.delete(
    req.info.resource,
    req.info.namespaced ? req.namespace : undefined,
    req.name!,
  )!;
  if (req.info.resource === 'pods') c.podStarts.delete(deleted.metadata.uid!);
  c.schedule();
  // Pods come back as the deleted object; other kinds as a Success status (generic registry).
  if (req.info.resource === 'pods') return { status: 200, body: withType(req.info, deleted) };
  return { status: 200, body: successStatus(req.info, deleted.metadata.name, deleted.metadata.uid!) };
}
