/**
 * The simulator's etcd: objects per resource keyed by namespace/name, one global resourceVersion
 * counter, and a bounded event history so watches can resume from a resourceVersion, as the
 * apiserver's watch cache does. The cache keeps events for a time window (and at most
 * HISTORY_LIMIT of them); a watch from a resourceVersion older than what it still holds gets
 * 410 Expired — so a client that re-watches from an old object's resourceVersion instead of a
 * fresh list's sees what it would see on a busy real cluster.
 */
import { clone, newUid, rfc3339, type KubeObject } from './objects.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: EventType;
  resource: string;
  resourceVersion: number;
  object: KubeObject;
  /** The object before the change (MODIFIED/DELETED), for selector transitions. */
  previous?: KubeObject;
  /** When it happened (ms), for the watch cache window. */
  at?: number;
}

const HISTORY_LIMIT = 5000;

function key(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

export class ObjectStore {
  private rv = 1000;
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly history: StoreEvent[] = [];
  private readonly listeners = new Set<(event: StoreEvent) => void>();
  /** The newest resourceVersion the cache no longer holds events up to. */
  private compactedRv = 0;

  constructor(
    private readonly clock: () => number = Date.now,
    private readonly windowMs = Number.POSITIVE_INFINITY,
  ) {}

  currentResourceVersion(): number {
    return this.rv;
  }

  private bucket(resource: string): Map<string, KubeObject> {
    let b = this.objects.get(resource);
    if (!b) this.objects.set(resource, (b = new Map()));
    return b;
  }

  get(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const obj = this.bucket(resource).get(key(namespace, name));
    return obj ? clone(obj) : undefined;
  }

  /** Objects in etcd key order (namespace, then name), optionally within one namespace. */
  list(resource: string, namespace?: string): KubeObject[] {
    const out: KubeObject[] = [];
    for (const [k, obj] of this.bucket(resource)) {
      if (namespace === undefined || k.startsWith(`${namespace}/`)) out.push(obj);
    }
    return out
      .sort((a, b) =>
        key(a.metadata.namespace, a.metadata.name) < key(b.metadata.namespace, b.metadata.name) ? -1 : 1,
      )
      .map(clone);
  }

  /**
   * The stored objects themselves, uncloned, for read-only scans by the control loops (which run
   * on every change); callers must not mutate them. Everyone else uses `list`/`get`.
   */
  peek(resource: string): readonly KubeObject[] {
    return [...this.bucket(resource).values()];
  }

  /**
   * Objects in `namespace` whose controller is `ownerUid`, cloned. The controller asks this for
   * every Deployment and ReplicaSet on every pass: cloning only the matches keeps a cluster of
   * many Deployments fast (listing and cloning the namespace each time was quadratic).
   */
  listControlledBy(
    resource: string,
    namespace: string | undefined,
    ownerUid: string | undefined,
  ): KubeObject[] {
    const out: KubeObject[] = [];
    for (const [k, obj] of this.bucket(resource)) {
      if (namespace !== undefined && !k.startsWith(`${namespace}/`)) continue;
      if (obj.metadata.ownerReferences?.some((r) => r.controller && r.uid === ownerUid)) out.push(obj);
    }
    return out
      .sort((a, b) =>
        key(a.metadata.namespace, a.metadata.name) < key(b.metadata.namespace, b.metadata.name) ? -1 : 1,
      )
      .map(clone);
  }

  /** Stores a new object, filling the system metadata fields the apiserver owns. */
  create(resource: string, input: KubeObject, nowMs = Date.now()): KubeObject {
    const obj = clone(input);
    obj.metadata.uid ??= newUid();
    obj.metadata.creationTimestamp ??= rfc3339(nowMs);
    obj.metadata.resourceVersion = String(++this.rv);
    this.bucket(resource).set(key(obj.metadata.namespace, obj.metadata.name), obj);
    this.emit({ type: 'ADDED', resource, resourceVersion: this.rv, object: clone(obj) });
    return clone(obj);
  }

  /** Replaces an object; the caller has already checked preconditions. */
  update(resource: string, input: KubeObject): KubeObject {
    const k = key(input.metadata.namespace, input.metadata.name);
    const previous = this.bucket(resource).get(k);
    const obj = clone(input);
    obj.metadata.resourceVersion = String(++this.rv);
    this.bucket(resource).set(k, obj);
    this.emit({
      type: 'MODIFIED',
      resource,
      resourceVersion: this.rv,
      object: clone(obj),
      ...(previous ? { previous: clone(previous) } : {}),
    });
    return clone(obj);
  }

  delete(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const k = key(namespace, name);
    const previous = this.bucket(resource).get(k);
    if (!previous) return undefined;
    this.bucket(resource).delete(k);
    const obj = clone(previous);
    // A DELETED event carries the final state at a new resourceVersion.
    obj.metadata.resourceVersion = String(++this.rv);
    this.emit({
      type: 'DELETED',
      resource,
      resourceVersion: this.rv,
      object: clone(obj),
      previous: clone(previous),
    });
    return obj;
  }

  /** Events after `rv` for a resource, or `expired` when history no longer reaches back that far. */
  eventsSince(resource: string, rv: number): StoreEvent[] | 'expired' {
    this.evict();
    if (rv < this.compactedRv) return 'expired';
    return this.history.filter((e) => e.resource === resource && e.resourceVersion > rv);
  }

  private evict(): void {
    const cutoff = this.clock() - this.windowMs;
    while (
      this.history.length > 0 &&
      (this.history.length > HISTORY_LIMIT || (this.history[0]!.at ?? 0) < cutoff)
    ) {
      this.compactedRv = this.history.shift()!.resourceVersion;
    }
  }

  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: StoreEvent): void {
    event.at = this.clock();
    this.history.push(event);
    this.evict();
    for (const l of [...this.listeners]) l(event);
  }
}
