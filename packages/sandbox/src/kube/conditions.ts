/**
 * Deployment status and conditions as the controller computes them (sync.go calculateStatus,
 * progress.go syncRolloutStatus, util/deployment_util.go): same reasons, same messages, same
 * lastUpdateTime/lastTransitionTime rules — `kubectl rollout status` and rollbot read them.
 */
import { rfc3339, type KubeObject } from './objects.js';
import {
  availableReplicas,
  maxUnavailable,
  readyReplicas,
  specReplicas,
  statusReplicas,
  sum,
} from './rolling.js';

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastUpdateTime: string;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

export const REASONS = {
  newRSCreated: 'NewReplicaSetCreated',
  foundNewRS: 'FoundNewReplicaSet',
  rsUpdated: 'ReplicaSetUpdated',
  newRSAvailable: 'NewReplicaSetAvailable',
  timedOut: 'ProgressDeadlineExceeded',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
  minAvailable: 'MinimumReplicasAvailable',
  minUnavailable: 'MinimumReplicasUnavailable',
} as const;

export function newCondition(
  type: string,
  status: Condition['status'],
  reason: string,
  message: string,
  nowMs: number,
): Condition {
  const t = rfc3339(nowMs);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

export function getCondition(status: KubeObject['status'], type: string): Condition | undefined {
  return (status?.conditions as Condition[] | undefined)?.find((c) => c.type === type);
}

/** SetDeploymentCondition: no-op when status and reason are unchanged; keeps the transition time. */
export function setCondition(status: Record<string, unknown>, cond: Condition): void {
  const conditions = (status.conditions as Condition[] | undefined) ?? [];
  const current = conditions.find((c) => c.type === cond.type);
  if (current && current.status === cond.status && current.reason === cond.reason) return;
  if (current && current.status === cond.status) cond.lastTransitionTime = current.lastTransitionTime;
  status.conditions = [...conditions.filter((c) => c.type !== cond.type), cond];
}

export function removeCondition(status: Record<string, unknown>, type: string): void {
  const conditions = (status.conditions as Condition[] | undefined) ?? [];
  status.conditions = conditions.filter((c) => c.type !== type);
}

/** Go's omitempty on the int32 status counters: zero values are not serialised. */
function putCount(status: Record<string, unknown>, field: string, value: number): void {
  if (value !== 0) status[field] = value;
  else delete status[field];
}

/** calculateStatus: counters from the ReplicaSets, plus the Available condition. */
export function calculateStatus(
  d: KubeObject,
  allRSs: KubeObject[],
  newRS: KubeObject | undefined,
  nowMs: number,
): Record<string, unknown> {
  const available = sum(allRSs, availableReplicas);
  const total = sum(allRSs, specReplicas);
  const status: Record<string, unknown> = {};
  status.observedGeneration = d.metadata.generation;
  putCount(status, 'replicas', sum(allRSs, statusReplicas));
  putCount(status, 'updatedReplicas', newRS ? statusReplicas(newRS) : 0);
  putCount(status, 'readyReplicas', sum(allRSs, readyReplicas));
  putCount(status, 'availableReplicas', available);
  putCount(status, 'unavailableReplicas', Math.max(0, total - available));
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  status.conditions = [...((d.status?.conditions as Condition[] | undefined) ?? [])].map((c) => ({ ...c }));
  if (available >= (d.spec.replicas as number) - maxUnavailable(d)) {
    setCondition(
      status,
      newCondition('Available', 'True', REASONS.minAvailable, 'Deployment has minimum availability.', nowMs),
    );
  } else {
    setCondition(
      status,
      newCondition(
        'Available',
        'False',
        REASONS.minUnavailable,
        'Deployment does not have minimum availability.',
        nowMs,
      ),
    );
  }
  return status;
}

const n = (status: Record<string, unknown> | undefined, field: string): number =>
  (status?.[field] as number | undefined) ?? 0;

/** DeploymentComplete. */
export function deploymentComplete(d: KubeObject, status: Record<string, unknown>): boolean {
  const replicas = d.spec.replicas as number;
  return (
    n(status, 'updatedReplicas') === replicas &&
    n(status, 'replicas') === replicas &&
    n(status, 'availableReplicas') === replicas &&
    n(status, 'observedGeneration') >= (d.metadata.generation ?? 0)
  );
}

/** DeploymentProgressing: any counter moved forward since the last recorded status. */
export function deploymentProgressing(d: KubeObject, status: Record<string, unknown>): boolean {
  const old = d.status ?? {};
  const oldOld = n(old, 'replicas') - n(old, 'updatedReplicas');
  const newOld = n(status, 'replicas') - n(status, 'updatedReplicas');
  return (
    n(status, 'updatedReplicas') > n(old, 'updatedReplicas') ||
    newOld < oldOld ||
    n(status, 'readyReplicas') > n(old, 'readyReplicas') ||
    n(status, 'availableReplicas') > n(old, 'availableReplicas')
  );
}

/** DeploymentTimedOut: the Progressing condition has not been updated for progressDeadlineSeconds. */
export function deploymentTimedOut(d: KubeObject, status: Record<string, unknown>, nowMs: number): boolean {
  const cond = getCondition(status, 'Progressing');
  if (!cond) return false;
  if (cond.reason === REASONS.timedOut) return true;
  if (cond.reason === REASONS.newRSAvailable) return false;
  return Date.parse(cond.lastUpdateTime) + (d.spec.progressDeadlineSeconds as number) * 1000 < nowMs;
}

/** When the Progressing condition would time out, for the controller's requeue timer. */
export function progressDeadlineAt(d: KubeObject): number | undefined {
  const cond = getCondition(d.status, 'Progressing');
  if (!cond || cond.reason === REASONS.timedOut || cond.reason === REASONS.newRSAvailable) return undefined;
  if (d.spec.paused || d.spec.progressDeadlineSeconds === undefined) return undefined;
  return Date.parse(cond.lastUpdateTime) + (d.spec.progressDeadlineSeconds as number) * 1000;
}

/** syncRolloutStatus: the Progressing condition transitions; returns the status to store. */
export function rolloutStatus(
  d: KubeObject,
  allRSs: KubeObject[],
  newRS: KubeObject | undefined,
  nowMs: number,
): Record<string, unknown> {
  const status = calculateStatus(d, allRSs, newRS, nowMs);
  const current = getCondition(d.status, 'Progressing');
  const isComplete =
    n(status, 'replicas') === n(status, 'updatedReplicas') && current?.reason === REASONS.newRSAvailable;
  if (!isComplete) {
    if (deploymentComplete(d, status)) {
      const msg = newRS
        ? `ReplicaSet "${newRS.metadata.name}" has successfully progressed.`
        : `Deployment "${d.metadata.name}" has successfully progressed.`;
      setCondition(status, newCondition('Progressing', 'True', REASONS.newRSAvailable, msg, nowMs));
    } else if (deploymentProgressing(d, status)) {
      const msg = newRS
        ? `ReplicaSet "${newRS.metadata.name}" is progressing.`
        : `Deployment "${d.metadata.name}" is progressing.`;
      const cond = newCondition('Progressing', 'True', REASONS.rsUpdated, msg, nowMs);
      // Update everything but lastTransitionTime when already progressing (always bump lastUpdateTime).
      if (current?.status === 'True') cond.lastTransitionTime = current.lastTransitionTime;
      removeCondition(status, 'Progressing');
      setCondition(status, cond);
    } else if (deploymentTimedOut(d, status, nowMs)) {
      const msg = newRS
        ? `ReplicaSet "${newRS.metadata.name}" has timed out progressing.`
        : `Deployment "${d.metadata.name}" has timed out progressing.`;
      setCondition(status, newCondition('Progressing', 'False', REASONS.timedOut, msg, nowMs));
    }
  }
  return status;
}

/** checkPausedConditions: Progressing/Unknown while paused, DeploymentResumed after. */
export function pausedConditions(d: KubeObject, nowMs: number): Record<string, unknown> | undefined {
  const cond = getCondition(d.status, 'Progressing');
  if (cond?.reason === REASONS.timedOut) return undefined;
  const pausedNow = cond?.reason === REASONS.paused;
  const status = {
    ...(d.status ?? {}),
    conditions: [...((d.status?.conditions as Condition[] | undefined) ?? [])],
  };
  if (d.spec.paused && !pausedNow) {
    setCondition(
      status,
      newCondition('Progressing', 'Unknown', REASONS.paused, 'Deployment is paused', nowMs),
    );
    return status;
  }
  if (!d.spec.paused && pausedNow) {
    setCondition(
      status,
      newCondition('Progressing', 'Unknown', REASONS.resumed, 'Deployment is resumed', nowMs),
    );
    return status;
  }
  return undefined;
}
