/**
 * RollingUpdate arithmetic from pkg/controller/deployment (rolling.go, util/deployment_util.go):
 * how far the new ReplicaSet may scale up (maxSurge) and the old ones down (maxUnavailable).
 * Pure functions over replica counts so the controller reads like the Go original.
 */
import type { KubeObject } from './objects.js';

/** intstr.GetScaledValueFromIntOrPercent. */
export function scaledValue(value: unknown, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\d+%$/.test(value)) {
    const v = (Number(value.slice(0, -1)) * total) / 100;
    return roundUp ? Math.ceil(v) : Math.floor(v);
  }
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return 0;
}

/** ResolveFenceposts: surge rounds up, unavailable rounds down; both zero → unavailable 1. */
export function fenceposts(d: KubeObject): { maxSurge: number; maxUnavailable: number } {
  const desired = d.spec.replicas as number;
  const ru = d.spec.strategy?.rollingUpdate ?? {};
  const maxSurge = scaledValue(ru.maxSurge ?? '25%', desired, true);
  let maxUnavailable = scaledValue(ru.maxUnavailable ?? '25%', desired, false);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}

function isRolling(d: KubeObject): boolean {
  return (d.spec.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

export function maxUnavailable(d: KubeObject): number {
  const replicas = d.spec.replicas as number;
  if (!isRolling(d) || replicas === 0) return 0;
  return Math.min(fenceposts(d).maxUnavailable, replicas);
}

export function maxSurge(d: KubeObject): number {
  if (!isRolling(d)) return 0;
  return fenceposts(d).maxSurge;
}

export const specReplicas = (rs: KubeObject): number => (rs.spec?.replicas as number | undefined) ?? 0;
export const statusReplicas = (rs: KubeObject): number => (rs.status?.replicas as number | undefined) ?? 0;
export const availableReplicas = (rs: KubeObject): number =>
  (rs.status?.availableReplicas as number | undefined) ?? 0;
export const readyReplicas = (rs: KubeObject): number =>
  (rs.status?.readyReplicas as number | undefined) ?? 0;

export const sum = (rss: KubeObject[], f: (rs: KubeObject) => number): number =>
  rss.reduce((n, rs) => n + f(rs), 0);

/** NewRSNewReplicas: the new ReplicaSet's target size for this step. */
export function newRSNewReplicas(d: KubeObject, allRSs: KubeObject[], newRS: KubeObject): number {
  const desired = d.spec.replicas as number;
  if (!isRolling(d)) return desired;
  const currentPodCount = sum(allRSs, specReplicas);
  const maxTotalPods = desired + maxSurge(d);
  if (currentPodCount >= maxTotalPods) return specReplicas(newRS);
  const scaleUpCount = Math.min(maxTotalPods - currentPodCount, desired - specReplicas(newRS));
  return specReplicas(newRS) + scaleUpCount;
}

export interface ScaleDecision {
  rs: KubeObject;
  replicas: number;
}

/**
 * reconcileOldReplicaSets: first remove unhealthy old pods, then scale old ReplicaSets down as far
 * as availability allows. Returns the new sizes for the old ReplicaSets that change.
 */
export function planOldScaleDown(d: KubeObject, oldRSs: KubeObject[], newRS: KubeObject): ScaleDecision[] {
  const oldPodsCount = sum(oldRSs, specReplicas);
  if (oldPodsCount === 0) return [];
  const allRSs = [...oldRSs, newRS];
  const allPodsCount = sum(allRSs, specReplicas);
  const minAvailable = (d.spec.replicas as number) - maxUnavailable(d);
  const newRSUnavailable = specReplicas(newRS) - availableReplicas(newRS);
  const maxScaledDown = allPodsCount - minAvailable - newRSUnavailable;
  if (maxScaledDown <= 0) return [];

  const sizes = new Map<KubeObject, number>(oldRSs.map((rs) => [rs, specReplicas(rs)]));
  const byAge = [...oldRSs].sort(byCreation);
  // cleanupUnhealthyReplicas
  let cleaned = 0;
  for (const rs of byAge) {
    if (cleaned >= maxScaledDown) break;
    const size = sizes.get(rs)!;
    if (size === 0 || size === availableReplicas(rs)) continue;
    const down = Math.min(maxScaledDown - cleaned, size - availableReplicas(rs));
    sizes.set(rs, size - down);
    cleaned += down;
  }
  // scaleDownOldReplicaSetsForRollingUpdate (availability counted before this step's scale-down)
  const available = sum(allRSs, availableReplicas);
  if (available > minAvailable) {
    const total = available - minAvailable;
    let scaled = 0;
    for (const rs of byAge) {
      if (scaled >= total) break;
      const size = sizes.get(rs)!;
      if (size === 0) continue;
      const down = Math.min(size, total - scaled);
      sizes.set(rs, size - down);
      scaled += down;
    }
  }
  return byAge
    .filter((rs) => sizes.get(rs)! !== specReplicas(rs))
    .map((rs) => ({ rs, replicas: sizes.get(rs)! }));
}

export function byCreation(a: KubeObject, b: KubeObject): number {
  const ta = Date.parse(a.metadata.creationTimestamp ?? '') || 0;
  const tb = Date.parse(b.metadata.creationTimestamp ?? '') || 0;
  return ta !== tb ? ta - tb : a.metadata.name < b.metadata.name ? -1 : 1;
}
