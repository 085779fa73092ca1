/**
 * Scaling a Deployment without a rollout (pkg/controller/deployment sync.go `sync`, `scale`,
 * `isScalingEvent`; util/deployment_util.go `FindActiveOrLatest`, `IsSaturated`,
 * `GetReplicaSetProportion`): a paused Deployment still scales, and a replica change in the middle
 * of a rollout is spread over the new and old ReplicaSets in proportion to their sizes.
 */
import type { Cluster } from './cluster.js';
import { calculateStatus } from './conditions.js';
import { cleanup, scaleReplicaSet, writeDeployment } from './deployment-controller.js';
import { DESIRED_REPLICAS, MAX_REPLICAS, type KubeObject } from './objects.js';
import { availableReplicas, byCreation, maxSurge, specReplicas } from './rolling.js';

const annotationInt = (rs: KubeObject, key: string): number | undefined => {
  const v = rs.metadata.annotations?.[key];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
};

/** isScalingEvent: an active ReplicaSet was sized for a different spec.replicas. */
export function isScalingEvent(d: KubeObject, allRSs: KubeObject[]): boolean {
  return allRSs.some((rs) => {
    if (specReplicas(rs) <= 0) return false;
    const desired = annotationInt(rs, DESIRED_REPLICAS);
    return desired !== undefined && desired !== d.spec.replicas;
  });
}

/** Go's integer.RoundToInt32: half away from zero. */
const round = (x: number): number => Math.sign(x) * Math.round(Math.abs(x));

function proportion(d: KubeObject, rs: KubeObject, toAdd: number, added: number): number {
  if (specReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  let fraction: number;
  if (d.spec.replicas === 0) fraction = -specReplicas(rs);
  else {
    const maxNow = d.spec.replicas + maxSurge(d);
    const before = annotationInt(rs, MAX_REPLICAS) || ((d.status?.replicas as number | undefined) ?? 0);
    fraction = before === 0 ? 0 : round((specReplicas(rs) * maxNow) / before) - specReplicas(rs);
  }
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/** DeploymentController.scale; returns whether any ReplicaSet changed. */
function scale(c: Cluster, d: KubeObject, newRS: KubeObject | undefined, oldRSs: KubeObject[]): boolean {
  const desired = d.spec.replicas as number;
  const all = [...oldRSs, ...(newRS ? [newRS] : [])];
  const active = all.filter((rs) => specReplicas(rs) > 0);
  // FindActiveOrLatest: one active ReplicaSet (or none: the newest) takes the whole count.
  if (active.length <= 1) {
    const target = active[0] ?? newRS ?? [...oldRSs].sort(byCreation).at(-1);
    if (!target || specReplicas(target) === desired) return false;
    scaleReplicaSet(c, d, target, desired);
    return true;
  }
  const saturated =
    newRS !== undefined &&
    specReplicas(newRS) === desired &&
    annotationInt(newRS, DESIRED_REPLICAS) === desired &&
    availableReplicas(newRS) === desired;
  if (saturated) {
    for (const rs of oldRSs.filter((r) => specReplicas(r) > 0)) scaleReplicaSet(c, d, rs, 0);
    return true;
  }
  if ((d.spec.strategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return false;
  const allowedSize = desired > 0 ? desired + maxSurge(d) : 0;
  const toAdd = allowedSize - active.reduce((n, rs) => n + specReplicas(rs), 0);
  if (toAdd === 0) return false;
  // Larger first; among equals, newer first when scaling up and older first when scaling down.
  const sorted = [...active].sort((a, b) => {
    if (specReplicas(a) !== specReplicas(b)) return specReplicas(b) - specReplicas(a);
    return toAdd > 0 ? byCreation(b, a) : byCreation(a, b);
  });
  let added = 0;
  const sizes = sorted.map((rs) => {
    const p = proportion(d, rs, toAdd, added);
    added += p;
    return specReplicas(rs) + p;
  });
  sizes[0] = Math.max(0, sizes[0]! + (toAdd - added));
  sorted.forEach((rs, i) => scaleReplicaSet(c, d, rs, sizes[i]!));
  return true;
}

/** DeploymentController.sync: scale, prune history when paused, write status (no progress estimate). */
export function syncScaling(
  c: Cluster,
  before: KubeObject,
  d: KubeObject,
  newRS: KubeObject | undefined,
  oldRSs: KubeObject[],
): boolean {
  let changed = scale(c, d, newRS, oldRSs);
  if (d.spec.paused) changed = cleanup(c, d, oldRSs) || changed;
  const ns = d.metadata.namespace;
  const fresh = c.store.listControlledBy('replicasets', ns, d.metadata.uid);
  const freshNew = newRS ? fresh.find((rs) => rs.metadata.uid === newRS.metadata.uid) : undefined;
  d.status = calculateStatus(d, fresh, freshNew, c.now());
  return writeDeployment(c, before, d) || changed;
}
