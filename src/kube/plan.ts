/**
 * What an undo would do, decided without changing anything: kubectl's target selection
 * (rollback.go deploymentRevision) plus `toImageTag`, and a fingerprint of the current template so
 * an approval can tell that the Deployment changed since the plan was shown.
 */
import {
  type HistoryEntry,
  historyFromReplicaSets,
  imageTag,
  listOwnedReplicaSets,
  readDeployment,
  revisionOf,
  templateImages,
} from './history.js';
import type { RawKube } from './raw.js';
import { templateHash, templatesEqualIgnoringHash } from './template.js';
import { CHANGE_CAUSE_ANNOTATION, type RawDeployment, type RawPodTemplate } from './types.js';

export interface UndoTarget {
  /** 0 or absent: the previous revision (kubectl's default). */
  toRevision?: number | undefined;
  /** The highest revision whose containers run an image with this tag. */
  toImageTag?: string | undefined;
}

export interface RevisionSummary {
  revision: number;
  images: string[];
  changeCause: string | undefined;
  createdAt: string | undefined;
}

export interface TargetRevision extends RevisionSummary {
  replicaSetName: string;
  /** The target ReplicaSet's raw pod template and annotations: what undo writes back. */
  podTemplate: RawPodTemplate;
  annotations: Record<string, string>;
}

export interface UndoPlan {
  namespace: string;
  deployment: string;
  deploymentUid: string;
  resourceVersion: string;
  generation: number;
  paused: boolean;
  request: UndoTarget;
  current: RevisionSummary;
  target: TargetRevision | null;
  /** kubectl's message when there is nothing to roll back to. */
  targetMissingReason?: string;
  /** Set when the target's template already runs: `skipped rollback (…)`. */
  noop?: string;
  /** Hash of the current pod template (ignoring pod-template-hash). */
  templateHash: string;
  /** uid/revision/templateHash: differs as soon as the Deployment's template changed. */
  fingerprint: string;
  /** spec.revisionHistoryLimit: how many old ReplicaSets the controller keeps (older ones are pruned). */
  revisionHistoryLimit?: number;
}

export function fingerprintOf(d: RawDeployment): string {
  return `${d.metadata.uid ?? ''}/${revisionOf(d) ?? 'x'}/${templateHash(d.spec.template)}`;
}

function pickTarget(
  d: RawDeployment,
  entries: HistoryEntry[],
  req: UndoTarget,
): { entry?: HistoryEntry; missing?: string } {
  const name = d.metadata.name;
  if (req.toImageTag !== undefined) {
    const tag = req.toImageTag;
    const match = [...entries].reverse().find((e) => e.images.some((img) => imageTag(img) === tag));
    if (match) return { entry: match };
    const known = [...new Set(entries.flatMap((e) => e.images.map(imageTag)).filter(Boolean))].join(', ');
    return {
      missing: `no revision of deployment "${name}" in history runs image tag "${tag}" (tags in history: ${known || 'none'})`,
    };
  }
  const toRevision = req.toRevision ?? 0;
  if (toRevision < 0) return { missing: `unable to find specified revision ${toRevision} in history` };
  if (toRevision > 0) {
    // kubectl returns the first ReplicaSet in list order with that revision.
    const entry = entries.find((e) => e.revision === toRevision);
    return entry ? { entry } : { missing: `unable to find specified revision ${toRevision} in history` };
  }
  // Second-highest revision: entries are sorted ascending; ties keep kubectl's "strictly greater" rule.
  const revisions = [...new Set(entries.map((e) => e.revision))].sort((a, b) => b - a);
  const previous = revisions[1];
  if (previous === undefined) return { missing: `no rollout history found for deployment "${name}"` };
  return { entry: entries.find((e) => e.revision === previous)! };
}

export function buildPlan(d: RawDeployment, entries: HistoryEntry[], req: UndoTarget = {}): UndoPlan {
  const currentRS = entries.find((e) => templatesEqualIgnoringHash(e.podTemplate, d.spec.template));
  const current: RevisionSummary = {
    revision: revisionOf(d) ?? 0,
    images: templateImages(d.spec.template),
    changeCause: d.metadata.annotations?.[CHANGE_CAUSE_ANNOTATION],
    createdAt: currentRS?.createdAt,
  };
  const { entry, missing } = pickTarget(d, entries, req);
  const target: TargetRevision | null = entry
    ? {
        revision: entry.revision,
        images: entry.images,
        changeCause: entry.changeCause,
        createdAt: entry.createdAt,
        replicaSetName: entry.replicaSetName,
        podTemplate: entry.podTemplate,
        annotations: entry.replicaSet.metadata.annotations ?? {},
      }
    : null;
  const plan: UndoPlan = {
    namespace: d.metadata.namespace ?? 'default',
    deployment: d.metadata.name,
    deploymentUid: d.metadata.uid ?? '',
    resourceVersion: d.metadata.resourceVersion ?? '',
    generation: d.metadata.generation ?? 0,
    paused: d.spec.paused === true,
    request: { ...req },
    current,
    target,
    templateHash: templateHash(d.spec.template),
    fingerprint: fingerprintOf(d),
  };
  if (missing !== undefined) plan.targetMissingReason = missing;
  if (typeof d.spec.revisionHistoryLimit === 'number')
    plan.revisionHistoryLimit = d.spec.revisionHistoryLimit;
  if (target && templatesEqualIgnoringHash(target.podTemplate, d.spec.template)) {
    plan.noop = `skipped rollback (current template already matches revision ${target.revision})`;
  }
  return plan;
}

export async function planUndo(
  raw: RawKube,
  namespace: string,
  name: string,
  req: UndoTarget = {},
): Promise<UndoPlan> {
  const d = await readDeployment(raw, namespace, name);
  return buildPlan(d, historyFromReplicaSets(await listOwnedReplicaSets(raw, d)), req);
}
