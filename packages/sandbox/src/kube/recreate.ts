/**
 * The Recreate strategy (pkg/controller/deployment/recreate.go rolloutRecreate): scale every old
 * ReplicaSet to zero, wait until none of their pods is left — Terminating ones included
 * (oldPodsRunning) — and only then create or scale up the new ReplicaSet to the full count.
 * Capacity goes to zero in between, as on a real cluster.
 */
import type { Cluster } from './cluster.js';
import { deploymentComplete } from './conditions.js';
import { cleanup, newReplicaSet, scaleReplicaSet, syncStatus } from './deployment-controller.js';
import { isOwnedBy, type KubeObject } from './objects.js';
import { specReplicas, statusReplicas } from './rolling.js';

function oldPodsRunning(c: Cluster, d: KubeObject, oldRSs: KubeObject[]): boolean {
  if (oldRSs.some((rs) => statusReplicas(rs) > 0)) return true;
  const pods = c.store.list('pods', d.metadata.namespace);
  return oldRSs.some((rs) =>
    pods.some((p) => isOwnedBy(p, rs) && !['Failed', 'Succeeded'].includes(p.status?.phase)),
  );
}

export function rolloutRecreate(
  c: Cluster,
  before: KubeObject,
  d: KubeObject,
  oldRSs: KubeObject[],
  existingNew: KubeObject | undefined,
): boolean {
  const active = oldRSs.filter((rs) => specReplicas(rs) > 0);
  if (active.length > 0) {
    const scaled = new Map(active.map((rs) => [rs, scaleReplicaSet(c, d, rs, 0)]));
    const olds = oldRSs.map((rs) => scaled.get(rs) ?? rs);
    syncStatus(c, before, d, [...olds, ...(existingNew ? [existingNew] : [])], existingNew);
    return true;
  }
  if (oldPodsRunning(c, d, oldRSs))
    return syncStatus(c, before, d, [...oldRSs, ...(existingNew ? [existingNew] : [])], existingNew);
  let newRS = newReplicaSet(c, d, oldRSs, existingNew);
  if (!newRS) return syncStatus(c, before, d, oldRSs, undefined);
  let changed = false;
  if (specReplicas(newRS) !== d.spec.replicas) {
    newRS = scaleReplicaSet(c, d, newRS, d.spec.replicas);
    changed = true;
  }
  if (deploymentComplete(d, d.status ?? {})) changed = cleanup(c, d, oldRSs) || changed;
  return syncStatus(c, before, d, [...oldRSs, newRS], newRS) || changed;
}
