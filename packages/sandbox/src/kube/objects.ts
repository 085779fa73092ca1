/**
 * Plain-JSON object helpers shared by the store, the patch code and the controllers. Objects are
 * kept as raw JSON (never typed models) so fields the sandbox does not know survive round trips.
 */
import { randomUUID } from 'node:crypto';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KubeObject = Record<string, any> & {
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: OwnerReference[];
    creationTimestamp?: string | null;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    [key: string]: any;
  };
};

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => deepEqual(v, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return ak.length === bk.length && ak.every((k) => deepEqual(ao[k], bo[k]));
}

/**
 * The comparable form of a JSON value: nulls and empty maps/lists dropped, keys sorted. Go's typed
 * comparison (apiequality.Semantic.DeepEqual after a decode) cannot tell those apart either, so
 * templates that differ only in them are "the same template" for the controller and for undo.
 */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = canonical((value as Record<string, unknown>)[key]);
      if (v === null || v === undefined) continue;
      if (typeof v === 'object' && Object.keys(v as object).length === 0) continue;
      out[key] = v;
    }
    return out;
  }
  return value;
}

export const POD_TEMPLATE_HASH = 'pod-template-hash';

/** The template without the `pod-template-hash` label, canonicalised (EqualIgnoreHash). */
function templateKey(template: unknown): string {
  const t = clone(template ?? {}) as KubeObject;
  if (t.metadata?.labels) delete t.metadata.labels[POD_TEMPLATE_HASH];
  return JSON.stringify(canonical(t));
}

export function templatesEqualIgnoringHash(a: unknown, b: unknown): boolean {
  return templateKey(a) === templateKey(b);
}

/** 32-bit FNV-1a, the hash the controller uses for `pod-template-hash` (controller.ComputeHash). */
function fnv32a(text: string, seed = 0x811c9dc5): number {
  let h = seed;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** rand.SafeEncodeString: digits mapped onto an alphabet without vowels or confusable letters. */
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';
export function safeEncode(text: string): string {
  return [...text].map((c) => ALPHANUMS[c.charCodeAt(0) % ALPHANUMS.length]).join('');
}

/**
 * `pod-template-hash` of a template. Kubernetes hashes a spew dump of the Go struct; we hash the
 * canonical JSON instead (same properties: stable, template-sensitive, collision count mixed in).
 */
export function computeTemplateHash(template: unknown, collisionCount?: number): string {
  let h = fnv32a(templateKey(template));
  if (collisionCount !== undefined && collisionCount !== null) {
    const buf = Buffer.alloc(4);
    buf.writeUInt32LE(collisionCount >>> 0);
    for (const byte of buf) {
      h ^= byte;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
  }
  return safeEncode(String(h >>> 0));
}

export function newUid(): string {
  return randomUUID();
}

/** metav1.Time: RFC 3339 with second precision. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

const SUFFIX = 'bcdfghjklmnpqrstvwxz2456789';
/** The 5-character suffix generateName adds (names.SimpleNameGenerator). */
export function randomSuffix(length = 5): string {
  let out = '';
  for (let i = 0; i < length; i++) out += SUFFIX[Math.floor(Math.random() * SUFFIX.length)];
  return out;
}

export const REVISION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
export const CHANGE_CAUSE = 'kubernetes.io/change-cause';

/** Annotations never copied from a Deployment to its ReplicaSets (deployment_util annotationsToSkip). */
export const SKIP_COPY_ANNOTATIONS = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION,
  REVISION_HISTORY,
  DESIRED_REPLICAS,
  MAX_REPLICAS,
  'deprecated.deployment.rollback.to',
]);

/** Revision of a ReplicaSet: missing → 0; unparseable → undefined (ignored). */
export function revisionOf(obj: KubeObject): number | undefined {
  const raw = obj.metadata.annotations?.[REVISION];
  if (raw === undefined || raw === '') return 0;
  return /^\d+$/.test(raw) ? Number(raw) : undefined;
}

export function controllerRef(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

export function isOwnedBy(obj: KubeObject, owner: KubeObject): boolean {
  return controllerRef(obj)?.uid === owner.metadata.uid;
}

export function newControllerRef(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return {
    apiVersion,
    kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function creationMs(obj: KubeObject): number {
  return obj.metadata.creationTimestamp ? Date.parse(obj.metadata.creationTimestamp) : 0;
}
