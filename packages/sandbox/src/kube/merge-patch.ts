/**
 * RFC 7386 JSON merge patch and Kubernetes' strategic merge patch (k8s.io/apimachinery
 * pkg/util/strategicpatch). The strategic variant merges lists by their `patchMergeKey` (containers
 * by `name`, ports by `containerPort`, …) and honours the `$patch`, `$setElementOrder/…`,
 * `$retainKeys` and `$deleteFromPrimitiveList/…` directives that `kubectl set image`/`edit` send.
 */
import { clone } from './objects.js';
import { badRequest } from './status.js';

type Json = unknown;
type Obj = Record<string, Json>;

function isObject(v: Json): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function applyMergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  const out: Obj = isObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = applyMergePatch(out[key], value);
  }
  return out;
}

/** patchMergeKey of the list fields the sandbox's kinds carry (from the Go struct tags). */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  ports: 'containerPort',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  ownerReferences: 'uid',
  conditions: 'type',
  resourceClaims: 'name',
  schedulingGates: 'name',
  topologySpreadConstraints: 'topologyKey',
};
/** Primitive lists with `patchStrategy:merge` (set union). */
const MERGED_PRIMITIVE_LISTS = new Set(['finalizers']);

const ORDER_PREFIX = '$setElementOrder/';
const DELETE_PRIMITIVE_PREFIX = '$deleteFromPrimitiveList/';

export function applyStrategicMergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch))
    throw badRequest('json: cannot unmarshal array into Go value of type map[string]interface {}');
  return mergeMap(isObject(target) ? target : {}, patch);
}

function mergeMap(target: Obj, patch: Obj): Json {
  const directive = patch['$patch'];
  if (directive === 'replace') {
    const rest = { ...patch };
    delete rest['$patch'];
    return stripDirectives(rest);
  }
  if (directive === 'delete') return undefined;
  const out: Obj = clone(target);
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys' || key.startsWith(ORDER_PREFIX)) continue;
    if (key.startsWith(DELETE_PRIMITIVE_PREFIX)) {
      const field = key.slice(DELETE_PRIMITIVE_PREFIX.length);
      const drop = new Set((Array.isArray(value) ? value : []).map((v) => JSON.stringify(v)));
      if (Array.isArray(out[field]))
        out[field] = (out[field] as Json[]).filter((v) => !drop.has(JSON.stringify(v)));
      continue;
    }
    if (value === null) {
      delete out[key];
    } else if (Array.isArray(value)) {
      out[key] = mergeList(key, out[key], value);
    } else if (isObject(value)) {
      const merged = mergeMap(isObject(out[key]) ? (out[key] as Obj) : {}, value);
      if (merged === undefined) delete out[key];
      else out[key] = merged;
    } else {
      out[key] = value;
    }
  }
  const retain = patch['$retainKeys'];
  if (Array.isArray(retain)) {
    for (const key of Object.keys(out)) if (!retain.includes(key)) delete out[key];
  }
  for (const [key, order] of Object.entries(patch)) {
    if (key.startsWith(ORDER_PREFIX) && Array.isArray(out[key.slice(ORDER_PREFIX.length)])) {
      const field = key.slice(ORDER_PREFIX.length);
      out[field] = reorder(field, out[field] as Json[], order as Json[]);
    }
  }
  return out;
}

function mergeList(field: string, current: Json, patch: Json[]): Json[] {
  if (patch.some((item) => isObject(item) && item['$patch'] === 'replace')) {
    return patch.filter((item) => !(isObject(item) && item['$patch'] === 'replace')).map(stripDirectives);
  }
  const existing = Array.isArray(current) ? clone(current) : [];
  if (MERGED_PRIMITIVE_LISTS.has(field)) {
    const seen = new Set(existing.map((v) => JSON.stringify(v)));
    for (const v of patch) if (!seen.has(JSON.stringify(v))) existing.push(v);
    return existing;
  }
  const mergeKey = MERGE_KEYS[field];
  if (!mergeKey) return patch.map(stripDirectives);
  const out = existing;
  for (const item of patch) {
    if (!isObject(item))
      throw badRequest(`map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`);
    const key = item[mergeKey];
    if (key === undefined)
      throw badRequest(`map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`);
    const index = out.findIndex((e) => isObject(e) && e[mergeKey] === key);
    if (item['$patch'] === 'delete') {
      if (index >= 0) out.splice(index, 1);
      continue;
    }
    if (index >= 0) out[index] = mergeMap(out[index] as Obj, item);
    else out.push(stripDirectives(item));
  }
  return out;
}

/** `$setElementOrder/<field>`: the listed elements first, in that order; others keep their place after. */
function reorder(field: string, list: Json[], order: Json[]): Json[] {
  const mergeKey = MERGE_KEYS[field];
  const keyOf = (v: Json) => JSON.stringify(mergeKey && isObject(v) ? v[mergeKey] : v);
  const wanted = order.map(keyOf);
  const listed = wanted.map((k) => list.find((v) => keyOf(v) === k)).filter((v) => v !== undefined);
  const rest = list.filter((v) => !wanted.includes(keyOf(v)));
  return [...listed, ...rest];
}

function stripDirectives(value: Json): Json {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isObject(value)) return value;
  const out: Obj = {};
  for (const [k, v] of Object.entries(value)) {
    if (k.startsWith('$')) continue;
    out[k] = stripDirectives(v);
  }
  return out;
}
