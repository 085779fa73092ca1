/**
 * kubectl's DeploymentStatusViewer rules (polymorphichelpers/rollout_status.go), judged on one
 * Deployment, plus what kubectl lacks: a Progressing condition identical to the one from before
 * our change (reason and lastUpdateTime) is not a verdict about our rollout. See rollout-status.ts
 * for why the controller can show it after an undo.
 */
import type { RawDeployment } from './types.js';

export interface RolloutCounts {
  /** spec.replicas */
  desired: number;
  /** status.replicas (old + new pods) */
  replicas: number;
  updated: number;
  ready: number;
  available: number;
}

export type RolloutVerdict =
  | {
      state: 'waiting';
      message: string;
      counts: RolloutCounts;
      /** The controller observed our spec but still shows the old rollout's deadline verdict. */
      staleDeadline?: true;
    }
  | { state: 'done'; message: string; counts: RolloutCounts }
  | { state: 'failed'; message: string; counts: RolloutCounts };

/** What identifies one write of a condition. */
export interface ConditionStamp {
  reason?: string | undefined;
  lastUpdateTime?: string | undefined;
}

export function progressingOf(d: RawDeployment): ConditionStamp | undefined {
  const c = d.status?.conditions?.find((x) => x.type === 'Progressing');
  return c ? { reason: c.reason, lastUpdateTime: c.lastUpdateTime } : undefined;
}

function sameStamp(a: ConditionStamp | undefined, b: ConditionStamp | undefined): boolean {
  return (
    a !== undefined &&
    b !== undefined &&
    a.reason === b.reason &&
    a.lastUpdateTime !== undefined &&
    a.lastUpdateTime === b.lastUpdateTime
  );
}

export function countsOf(d: RawDeployment): RolloutCounts {
  const s = d.status ?? {};
  return {
    desired: d.spec.replicas ?? 1,
    replicas: s.replicas ?? 0,
    updated: s.updatedReplicas ?? 0,
    ready: s.readyReplicas ?? 0,
    available: s.availableReplicas ?? 0,
  };
}

/**
 * kubectl DeploymentStatusViewer.Status (messages without the trailing newline), except that a
 * Progressing condition identical to `stale` (the one from before our change) is not a verdict.
 */
export function rolloutVerdict(d: RawDeployment, stale?: ConditionStamp): RolloutVerdict {
  const name = d.metadata.name;
  const counts = countsOf(d);
  if ((d.metadata.generation ?? 0) > (d.status?.observedGeneration ?? 0)) {
    return { state: 'waiting', message: 'Waiting for deployment spec update to be observed...', counts };
  }
  const progressing = d.status?.conditions?.find((c) => c.type === 'Progressing');
  const staleDeadline =
    progressing?.reason === 'ProgressDeadlineExceeded' &&
    sameStamp({ reason: progressing.reason, lastUpdateTime: progressing.lastUpdateTime }, stale);
  if (progressing?.reason === 'ProgressDeadlineExceeded' && !staleDeadline) {
    return { state: 'failed', message: `deployment "${name}" exceeded its progress deadline`, counts };
  }
  const waiting = (what: string): RolloutVerdict => ({
    state: 'waiting',
    message: `Waiting for deployment "${name}" rollout to finish: ${what}...`,
    counts,
    ...(staleDeadline ? { staleDeadline: true as const } : {}),
  });
  if (d.spec.replicas !== undefined && counts.updated < d.spec.replicas)
    return waiting(`${counts.updated} out of ${d.spec.replicas} new replicas have been updated`);
  if (counts.replicas > counts.updated)
    return waiting(`${counts.replicas - counts.updated} old replicas are pending termination`);
  if (counts.available < counts.updated)
    return waiting(`${counts.available} of ${counts.updated} updated replicas are available`);
  return { state: 'done', message: `deployment "${name}" successfully rolled out`, counts };
}
