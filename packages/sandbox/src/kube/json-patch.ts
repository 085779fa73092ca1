/**
 * RFC 6902 JSON Patch, as the apiserver applies it (evanphx/json-patch): any failing operation,
 * including a `test` whose value differs, rejects the whole patch with 422 Invalid; a patch that
 * does not decode is a 400 BadRequest (handlers/patch.go applyJSPatch).
 */
import { deepEqual } from './objects.js';
import { badRequest, patchRejected } from './status.js';

type Json = unknown;
type Container = Record<string, Json> | Json[];

interface Operation {
  op: string;
  path: string;
  from?: string;
  value?: Json;
}

function decode(patch: unknown): Operation[] {
  if (!Array.isArray(patch)) {
    throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  }
  return patch.map((op) => {
    if (op === null || typeof op !== 'object' || typeof (op as Operation).op !== 'string') {
      throw badRequest('invalid JSON patch operation');
    }
    return op as Operation;
  });
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw patchRejected();
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function isContainer(v: Json): v is Container {
  return v !== null && typeof v === 'object';
}

/** Returns the parent container and last token of a pointer, failing when the parent is missing. */
function locate(doc: Json, pointer: string): { parent: Container; key: string } {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) throw patchRejected();
  let cur: Json = doc;
  for (const token of tokens.slice(0, -1)) {
    cur = child(cur, token);
    if (cur === undefined) throw patchRejected();
  }
  if (!isContainer(cur)) throw patchRejected();
  return { parent: cur, key: tokens[tokens.length - 1]! };
}

function child(cur: Json, token: string): Json {
  if (Array.isArray(cur)) {
    if (!/^\d+$/.test(token)) return undefined;
    return cur[Number(token)];
  }
  if (isContainer(cur))
    return Object.prototype.hasOwnProperty.call(cur, token)
      ? (cur as Record<string, Json>)[token]
      : undefined;
  return undefined;
}

function get(doc: Json, pointer: string): Json {
  let cur = doc;
  for (const token of parsePointer(pointer)) {
    cur = child(cur, token);
    if (cur === undefined) return undefined;
  }
  return cur;
}

function arrayIndex(arr: Json[], key: string, forInsert: boolean): number {
  if (forInsert && key === '-') return arr.length;
  if (!/^\d+$/.test(key)) throw patchRejected();
  const i = Number(key);
  if (i > arr.length || (!forInsert && i === arr.length)) throw patchRejected();
  return i;
}

function add(doc: Json, pointer: string, value: Json): Json {
  if (pointer === '') return clone(value);
  const { parent, key } = locate(doc, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, true), 0, clone(value));
  else parent[key] = clone(value);
  return doc;
}

function remove(doc: Json, pointer: string): Json {
  const { parent, key } = locate(doc, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, false), 1);
  else {
    if (!Object.prototype.hasOwnProperty.call(parent, key)) throw patchRejected();
    delete parent[key];
  }
  return doc;
}

function replace(doc: Json, pointer: string, value: Json): Json {
  if (pointer === '') return clone(value);
  const { parent, key } = locate(doc, pointer);
  if (Array.isArray(parent)) parent[arrayIndex(parent, key, false)] = clone(value);
  else {
    if (!Object.prototype.hasOwnProperty.call(parent, key)) throw patchRejected();
    parent[key] = clone(value);
  }
  return doc;
}

function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** Applies a JSON patch to a copy of `doc`; throws a Status error as the apiserver would. */
export function applyJsonPatch<T>(doc: T, patch: unknown): T {
  let out: Json = clone(doc);
  for (const op of decode(patch)) {
    if (typeof op.path !== 'string') throw badRequest(`operation missing path`);
    switch (op.op) {
      case 'add':
        if (!('value' in op)) throw patchRejected();
        out = add(out, op.path, op.value);
        break;
      case 'remove':
        out = remove(out, op.path);
        break;
      case 'replace':
        if (!('value' in op)) throw patchRejected();
        out = replace(out, op.path, op.value);
        break;
      case 'move': {
        if (typeof op.from !== 'string') throw patchRejected();
        const value = get(out, op.from);
        if (value === undefined) throw patchRejected();
        out = add(remove(out, op.from), op.path, value);
        break;
      }
      case 'copy': {
        if (typeof op.from !== 'string') throw patchRejected();
        const value = get(out, op.from);
        if (value === undefined) throw patchRejected();
        out = add(out, op.path, value);
        break;
      }
      case 'test': {
        const actual = get(out, op.path);
        // evanphx/json-patch: a missing path equals only a null test value.
        const same =
          actual === undefined ? op.value === null || op.value === undefined : deepEqual(actual, op.value);
        if (!same) throw patchRejected();
        break;
      }
      default:
        throw patchRejected();
    }
  }
  return out as T;
}
