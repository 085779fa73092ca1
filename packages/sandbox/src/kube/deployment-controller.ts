/**
 * The Deployment controller (pkg/controller/deployment sync.go + rolling.go): finds or creates
 * the ReplicaSet for the current template, numbers revisions (max old + 1; a re-used ReplicaSet
 * gets a new number and remembers the old one in revision-history), steps a RollingUpdate,
 * prunes history beyond revisionHistoryLimit and writes status and conditions.
 */
import type { Cluster } from './cluster.js';
import {
  getCondition,
  newCondition,
  pausedConditions,
  rolloutStatus,
  deploymentComplete,
  setCondition,
  REASONS,
} from './conditions.js';
import {
  clone,
  computeTemplateHash,
  deepEqual,
  DESIRED_REPLICAS,
  isOwnedBy,
  MAX_REPLICAS,
  newControllerRef,
  POD_TEMPLATE_HASH,
  REVISION,
  REVISION_HISTORY,
  revisionOf,
  SKIP_COPY_ANNOTATIONS,
  templatesEqualIgnoringHash,
  type KubeObject,
} from './objects.js';
import { rolloutRecreate } from './recreate.js';
import { isScalingEvent, syncScaling } from './scale.js';
import {
  byCreation,
  maxSurge,
  newRSNewReplicas,
  planOldScaleDown,
  specReplicas,
  statusReplicas,
} from './rolling.js';

/** Limit on the revision-history annotation's length (the controller's maxRevHistoryLengthInChars). */
const MAX_REV_HISTORY_CHARS = 2000;

/** SetNewReplicaSetAnnotations; returns whether anything changed. */
export function setNewReplicaSetAnnotations(
  d: KubeObject,
  rs: KubeObject,
  newRevision: number,
  exists: boolean,
): boolean {
  let changed = false;
  const ann = (rs.metadata.annotations ??= {});
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (SKIP_COPY_ANNOTATIONS.has(k) || ann[k] === v) continue;
    ann[k] = v;
    changed = true;
  }
  const oldRevision = ann[REVISION];
  const had = oldRevision !== undefined;
  let oldInt = 0;
  if (had && oldRevision !== '') {
    if (!/^\d+$/.test(oldRevision)) return changed;
    oldInt = Number(oldRevision);
  }
  if (oldInt < newRevision) {
    ann[REVISION] = String(newRevision);
    changed = true;
  }
  if (had && oldInt < newRevision) {
    // Rolling back to this ReplicaSet: keep the numbers it had before.
    const history = ann[REVISION_HISTORY] ?? '';
    let parts = history.split(',');
    if (parts[0]!.length === 0) ann[REVISION_HISTORY] = oldRevision!;
    else {
      let total = history.length + oldRevision!.length + 1;
      let start = 0;
      while (total > MAX_REV_HISTORY_CHARS && start < parts.length) total -= parts[start++]!.length + 1;
      if (total <= MAX_REV_HISTORY_CHARS) {
        parts = [...parts.slice(start), oldRevision!];
        ann[REVISION_HISTORY] = parts.join(',');
      }
    }
  }
  if (!exists)
    changed = setReplicasAnnotations(rs, d.spec.replicas, d.spec.replicas + maxSurge(d)) || changed;
  return changed;
}

function setReplicasAnnotations(rs: KubeObject, desired: number, max: number): boolean {
  const ann = (rs.metadata.annotations ??= {});
  let changed = false;
  if (ann[DESIRED_REPLICAS] !== String(desired)) {
    ann[DESIRED_REPLICAS] = String(desired);
    changed = true;
  }
  if (ann[MAX_REPLICAS] !== String(max)) {
    ann[MAX_REPLICAS] = String(max);
    changed = true;
  }
  return changed;
}

export function scaleReplicaSet(c: Cluster, d: KubeObject, rs: KubeObject, replicas: number): KubeObject {
  const copy = clone(rs);
  const sizeChanged = specReplicas(copy) !== replicas;
  const annotationsChanged = setReplicasAnnotations(copy, d.spec.replicas, d.spec.replicas + maxSurge(d));
  if (!sizeChanged && !annotationsChanged) return rs;
  copy.spec.replicas = replicas;
  if (sizeChanged) copy.metadata.generation = (copy.metadata.generation ?? 1) + 1;
  return c.store.update('replicasets', copy);
}

export function writeDeployment(c: Cluster, before: KubeObject, after: KubeObject): boolean {
  if (deepEqual(before, after)) return false;
  c.store.update('deployments', after);
  return true;
}

/** getNewReplicaSet: find (and re-number) or create the ReplicaSet for the current template. */
export function newReplicaSet(
  c: Cluster,
  d: KubeObject,
  oldRSs: KubeObject[],
  existing: KubeObject | undefined,
): KubeObject | undefined {
  const maxOld = Math.max(0, ...oldRSs.map((rs) => revisionOf(rs) ?? 0));
  const newRevision = maxOld + 1;
  if (existing) {
    const copy = clone(existing);
    const annotationsUpdated = setNewReplicaSetAnnotations(d, copy, newRevision, true);
    // A re-used ReplicaSet takes the Deployment's minReadySeconds (getNewReplicaSet).
    const minReady = (d.spec.minReadySeconds as number | undefined) ?? 0;
    const minReadyChanged = ((copy.spec.minReadySeconds as number | undefined) ?? 0) !== minReady;
    if (minReadyChanged) {
      if (minReady) copy.spec.minReadySeconds = minReady;
      else delete copy.spec.minReadySeconds;
    }
    if (annotationsUpdated || minReadyChanged) existing = c.store.update('replicasets', copy);
    d.metadata.annotations ??= {};
    const rev = existing.metadata.annotations?.[REVISION];
    if (rev !== undefined) d.metadata.annotations[REVISION] = rev;
    if (!getCondition(d.status, 'Progressing') && d.spec.progressDeadlineSeconds !== undefined) {
      d.status ??= {};
      setCondition(
        d.status,
        newCondition(
          'Progressing',
          'True',
          REASONS.foundNewRS,
          `Found new replica set "${existing.metadata.name}"`,
          c.now(),
        ),
      );
    }
    return existing;
  }
  for (;;) {
    const collisionCount = d.status?.collisionCount as number | undefined;
    const hash = computeTemplateHash(d.spec.template, collisionCount);
    const template = clone(d.spec.template);
    template.metadata ??= {};
    template.metadata.labels = { ...(template.metadata.labels ?? {}), [POD_TEMPLATE_HASH]: hash };
    const selector = clone(d.spec.selector ?? {});
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH]: hash };
    const rs: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace,
        labels: { ...template.metadata.labels },
        ownerReferences: [newControllerRef(d, 'apps/v1', 'Deployment')],
        generation: 1,
      },
      spec: { replicas: 0, selector, template },
    };
    if (d.spec.minReadySeconds) rs.spec.minReadySeconds = d.spec.minReadySeconds;
    rs.spec.replicas = newRSNewReplicas(d, [...oldRSs, rs], rs);
    setNewReplicaSetAnnotations(d, rs, newRevision, false);
    const clash = c.store.get('replicasets', d.metadata.namespace, rs.metadata.name);
    if (clash) {
      // Hash collision with a ReplicaSet we do not own or whose template differs: bump collisionCount.
      if (isOwnedBy(clash, d) && templatesEqualIgnoringHash(clash.spec.template, d.spec.template))
        return clash;
      d.status ??= {};
      d.status.collisionCount = (collisionCount ?? 0) + 1;
      continue;
    }
    const created = c.store.create('replicasets', rs, c.now());
    d.metadata.annotations ??= {};
    d.metadata.annotations[REVISION] = String(newRevision);
    d.status ??= {};
    setCondition(
      d.status,
      newCondition(
        'Progressing',
        'True',
        REASONS.newRSCreated,
        `Created new replica set "${created.metadata.name}"`,
        c.now(),
      ),
    );
    return created;
  }
}

/** cleanupDeployment: delete the oldest scaled-down ReplicaSets beyond revisionHistoryLimit. */
export function cleanup(c: Cluster, d: KubeObject, oldRSs: KubeObject[]): boolean {
  const limit = d.spec.revisionHistoryLimit as number | undefined;
  if (limit === undefined || limit === null) return false;
  const diff = oldRSs.length - limit;
  if (diff <= 0) return false;
  const byRevision = [...oldRSs].sort(
    (a, b) => (revisionOf(a) ?? 0) - (revisionOf(b) ?? 0) || byCreation(a, b),
  );
  let changed = false;
  for (const rs of byRevision.slice(0, diff)) {
    if (statusReplicas(rs) !== 0 || specReplicas(rs) !== 0) continue;
    if ((rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
    c.store.delete('replicasets', rs.metadata.namespace, rs.metadata.name);
    changed = true;
  }
  return changed;
}

export function syncStatus(
  c: Cluster,
  before: KubeObject,
  d: KubeObject,
  allRSs: KubeObject[],
  newRS: KubeObject | undefined,
): boolean {
  d.status = rolloutStatus(d, allRSs, newRS, c.now());
  return writeDeployment(c, before, d);
}

function syncDeployment(c: Cluster, stored: KubeObject): boolean {
  const before = clone(stored);
  const d = clone(stored);
  const ownRSs = c.store.listControlledBy('replicasets', d.metadata.namespace, d.metadata.uid);

  const paused = pausedConditions(d, c.now());
  if (paused) d.status = paused;

  const matching = ownRSs
    .filter((rs) => templatesEqualIgnoringHash(rs.spec.template, d.spec.template))
    .sort(byCreation);
  const existingNew = matching[0];
  const oldRSs = ownRSs.filter((rs) => rs !== existingNew);

  // A paused Deployment never starts a new rollout; it still scales, reports status and prunes
  // history. A replica change (not a template change) is a scaling event: no rollout either.
  if (d.spec.paused || isScalingEvent(d, ownRSs)) return syncScaling(c, before, d, existingNew, oldRSs);
  if (d.spec.strategy?.type === 'Recreate') return rolloutRecreate(c, before, d, oldRSs, existingNew);

  const newRS = newReplicaSet(c, d, oldRSs, existingNew);
  if (!newRS) return writeDeployment(c, before, d);
  const allRSs = [...oldRSs, newRS];

  // reconcileNewReplicaSet
  if (specReplicas(newRS) !== d.spec.replicas) {
    const target =
      specReplicas(newRS) > d.spec.replicas ? d.spec.replicas : newRSNewReplicas(d, allRSs, newRS);
    if (target !== specReplicas(newRS)) {
      const scaled = scaleReplicaSet(c, d, newRS, target);
      syncStatus(c, before, d, [...oldRSs, scaled], scaled);
      return true;
    }
  }
  // reconcileOldReplicaSets
  const plan = planOldScaleDown(d, oldRSs, newRS);
  if (plan.length > 0) {
    const scaled = new Map(plan.map((p) => [p.rs, scaleReplicaSet(c, d, p.rs, p.replicas)]));
    syncStatus(c, before, d, [...oldRSs.map((rs) => scaled.get(rs) ?? rs), newRS], newRS);
    return true;
  }
  let changed = false;
  if (deploymentComplete(d, d.status ?? {})) changed = cleanup(c, d, oldRSs);
  return syncStatus(c, before, d, allRSs, newRS) || changed;
}

export function syncDeployments(c: Cluster): boolean {
  let changed = false;
  for (const d of c.store.list('deployments')) {
    if (d.metadata.deletionTimestamp) continue;
    changed = syncDeployment(c, d) || changed;
  }
  return changed;
}
