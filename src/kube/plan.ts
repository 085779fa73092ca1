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
  /**
   * Template hashes (templateHash of the pod template) the default choice passes over: instead of
   * the previous revision, the newest one not listed. kubectl has no such option; an explicit
   * toRevision or toImageTag ignores it.
   */
  skipTemplates?: readonly string[] | undefined;
}

export interface RevisionSummary {
  revision: number;
  images: string[];
  changeCause: string | undefined;
  createdAt: string | undefined;
  /** Content hash of the pod template, as `templateHash` computes it. */
  templateHash?: string | undefined;
}

/** One revision of the history, as a plan sees it. */
export interface HistoryRevision extends RevisionSummary {
  replicaSetName: string;
  templateHash: string;
  /** Revision numbers this ReplicaSet had before it was rolled out again (`revision-history`). */
  formerRevisions: number[];
}

export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';

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
  /** The Deployment's own labels and annotations: who manages it (src/gitops/detect.ts). */
  labels: Record<string, string>;
  annotations: Record<string, string>;
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
  /** The whole history, newest first (the current revision included). */
  history: HistoryRevision[];
  /** Revisions the default choice passed over because their template was in `skipTemplates`. */
  skipped: HistoryRevision[];
}

function historyRevision(e: HistoryEntry): HistoryRevision {
  const former = e.replicaSet.metadata.annotations?.[REVISION_HISTORY_ANNOTATION] ?? '';
  return {
    revision: e.revision,
    images: e.images,
    changeCause: e.changeCause,
    createdAt: e.createdAt,
    replicaSetName: e.replicaSetName,
    templateHash: templateHash(e.podTemplate),
    formerRevisions: former
      .split(',')
      .map((n) => Number(n.trim()))
      .filter((n) => Number.isSafeInteger(n) && n > 0),
  };
}

export function fingerprintOf(d: RawDeployment): string {
  return `${d.metadata.uid ?? ''}/${revisionOf(d) ?? 'x'}/${templateHash(d.spec.template)}`;
}

function pickTarget(
  d: RawDeployment,
  entries: HistoryEntry[],
  req: UndoTarget,
): { entry?: HistoryEntry; missing?: string; skipped?: HistoryEntry[] } {
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
  const skip = new Set(req.skipTemplates ?? []);
  const skipped: HistoryEntry[] = [];
  for (const revision of revisions.slice(1)) {
    const entry = entries.find((e) => e.revision === revision)!;
    if (!skip.has(templateHash(entry.podTemplate))) return { entry, skipped };
    skipped.push(entry);
  }
  if (skipped.length)
    return {
      skipped,
      missing: `every earlier revision of deployment "${name}" is suspect (${skipped.map((e) => e.revision).join(', ')})`,
    };
  return { missing: `no rollout history found for deployment "${name}"` };
}

export function buildPlan(d: RawDeployment, entries: HistoryEntry[], req: UndoTarget = {}): UndoPlan {
  const currentRS = entries.find((e) => templatesEqualIgnoringHash(e.podTemplate, d.spec.template));
  const current: RevisionSummary = {
    revision: revisionOf(d) ?? 0,
    images: templateImages(d.spec.template),
    changeCause: d.metadata.annotations?.[CHANGE_CAUSE_ANNOTATION],
    createdAt: currentRS?.createdAt,
    templateHash: templateHash(d.spec.template),
  };
  const { entry, missing, skipped = [] } = pickTarget(d, entries, req);
  const target: TargetRevision | null = entry
    ? {
        revision: entry.revision,
        images: entry.images,
        changeCause: entry.changeCause,
        createdAt: entry.createdAt,
        templateHash: templateHash(entry.podTemplate),
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
    labels: { ...d.metadata.labels },
    annotations: { ...d.metadata.annotations },
    request: { ...req },
    current,
    target,
    templateHash: templateHash(d.spec.template),
    fingerprint: fingerprintOf(d),
    history: [...entries].reverse().map(historyRevision),
    skipped: skipped.map(historyRevision),
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
