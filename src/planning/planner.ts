import type { Octokit } from '@octokit/rest';
import type { IncidentPlan, RevisionChoice, RevisionInfo } from '../incidents/incident.js';
import { type Suspect, suspectMark } from '../incidents/suspects.js';
import type { Planner } from '../incidents/ports.js';
import type { UndoPlan, UndoTarget } from '../kube/plan.js';
import { detectManager } from '../gitops/detect.js';
import { assessUndo } from '../gitops/guard.js';
import { type PlanAbout, planThroughGit } from '../gitops/plan.js';
import { configMoved } from '../gitops/revert.js';
import type { ManagerInfo } from '../incidents/incident.js';
import type { Runbook } from '../runbooks/schema.js';
import { revertedCommitsOfImages } from './commits.js';

/**
 * Implements the domain's Planner over Kubernetes (what `kubectl rollout undo` would restore)
 * and GitHub (which commits that reverts). Staleness compares the Deployment's fingerprint
 * (uid, revision, template hash) with the one the proposal was made from.
 */
export interface PlanSource {
  planUndo(namespace: string, name: string, req?: UndoTarget): Promise<UndoPlan>;
}

/**
 * kubectl's reason for having no target, plus why when the history shows it: revisions are numbered
 * max+1, so a wanted revision below the current one existed once and the controller pruned it
 * (revisionHistoryLimit). On-call should see "pruned", not guess it from "no rollout history".
 */
function explainMissing(p: UndoPlan): string {
  const reason = p.targetMissingReason!;
  if (p.request.toImageTag !== undefined || p.skipped.length) return reason;
  const wanted = p.request.toRevision ? p.request.toRevision : p.current.revision - 1;
  if (wanted < 1 || wanted >= p.current.revision) return reason;
  // Rolling a template out again gives its ReplicaSet a new number and keeps the old one in
  // `revision-history` (deployment controller, sync.go): that revision was renumbered, not pruned.
  const again = p.history.find((h) => h.formerRevisions.includes(wanted));
  if (again)
    return `revision ${wanted} no longer exists: its template was rolled out again as revision ${again.revision}${again.revision === p.current.revision ? ', which is what runs now' : ''}`;
  const limit =
    p.revisionHistoryLimit === undefined ? '' : ` (revisionHistoryLimit: ${p.revisionHistoryLimit})`;
  return `${reason} — no ReplicaSet has revision ${wanted} any more: it was pruned from the Deployment's history${limit} or deleted`;
}

/** Revisions on-call could name instead, newest first: everything but what runs now. */
const MAX_CHOICES = 10;
function choicesOf(p: UndoPlan, suspects: readonly Suspect[]): RevisionChoice[] {
  return p.history
    .filter((h) => h.revision !== p.current.revision)
    .slice(0, MAX_CHOICES)
    .map((h) => ({
      revision: h.revision,
      images: h.images,
      changeCause: h.changeCause,
      createdAt: h.createdAt,
      templateHash: h.templateHash,
      suspect: suspectMark(suspects, h.templateHash),
    }));
}

export class ClusterPlanner implements Planner {
  constructor(
    private readonly kube: PlanSource,
    private readonly github: Octokit | undefined,
  ) {}

  async plan(
    runbook: Runbook,
    target: { namespace: string; deployment: string },
    request: UndoTarget,
    suspects: readonly Suspect[] = [],
    about?: PlanAbout,
  ): Promise<IncidentPlan> {
    const p = await this.kube.planUndo(target.namespace, target.deployment, {
      ...request,
      skipTemplates: suspects.map((s) => s.templateHash),
    });
    const managedBy = assessUndo(
      runbook,
      target,
      detectManager({
        namespace: p.namespace,
        name: p.deployment,
        labels: p.labels,
        annotations: p.annotations,
      }),
    );
    if (runbook.gitops) return this.planThroughGit(runbook, p, request, suspects, managedBy, about);
    const mark = (h: { templateHash?: string | undefined }) => suspectMark(suspects, h.templateHash);
    const commits = p.target
      ? await revertedCommitsOfImages(this.github, runbook.repository, p.current.images, p.target.images)
      : { commits: [], note: undefined, compareUrl: undefined };
    return {
      namespace: p.namespace,
      deployment: p.deployment,
      resourceVersion: p.resourceVersion,
      templateHash: p.fingerprint,
      current: p.current,
      target: p.target
        ? {
            revision: p.target.revision,
            images: p.target.images,
            changeCause: p.target.changeCause,
            createdAt: p.target.createdAt,
            templateHash: p.target.templateHash,
          }
        : null,
      targetSuspect: p.target ? mark(p.target) : undefined,
      skippedSuspects: p.skipped.length
        ? p.skipped.map((h) => ({ revision: h.revision, images: h.images, suspect: mark(h) }))
        : undefined,
      choices: choicesOf(p, suspects),
      targetReplicaSet: p.target?.replicaSetName,
      targetMissingReason: p.targetMissingReason
        ? explainMissing(p)
        : p.paused
          ? 'the Deployment is paused; resume it first'
          : undefined,
      noop: p.noop,
      commits: commits.commits,
      commitsNote: commits.note,
      compareUrl: commits.compareUrl,
      managedBy,
    };
  }

  /** A `gitops:` runbook: the target comes from the config repository, reached by a revert PR. */
  private async planThroughGit(
    runbook: Runbook,
    p: UndoPlan,
    request: UndoTarget,
    suspects: readonly Suspect[],
    managedBy: ManagerInfo | undefined,
    about: PlanAbout,
  ): Promise<IncidentPlan> {
    const git = await planThroughGit(this.github, runbook, p, request, about, suspects);
    const commits = git.target
      ? await revertedCommitsOfImages(this.github, runbook.repository, p.current.images, git.target.images)
      : { commits: [], note: undefined, compareUrl: undefined };
    return {
      namespace: p.namespace,
      deployment: p.deployment,
      resourceVersion: p.resourceVersion,
      templateHash: p.fingerprint,
      current: p.current,
      target: git.target,
      targetMissingReason: git.targetMissingReason,
      targetSuspect: git.targetSuspect,
      skippedSuspects: git.skippedSuspects,
      choices: choicesOf(p, suspects),
      commits: commits.commits,
      commitsNote: commits.note,
      compareUrl: commits.compareUrl,
      managedBy,
      gitops: git.gitops,
    };
  }

  async live(target: { namespace: string; deployment: string }): Promise<RevisionInfo> {
    return (await this.kube.planUndo(target.namespace, target.deployment, {})).current;
  }

  async staleness(plan: IncidentPlan): Promise<{ stale: false } | { stale: true; reason: string }> {
    const now = await this.kube.planUndo(plan.namespace, plan.deployment, {});
    if (now.fingerprint === plan.templateHash) {
      // Through Git, the revert was cut from the synced branch's head: a newer head is a new plan.
      const moved = plan.gitops && this.github ? await configMoved(this.github, plan.gitops) : undefined;
      return moved ? { stale: true, reason: moved } : { stale: false };
    }
    return {
      stale: true,
      reason:
        now.current.revision !== plan.current.revision
          ? `${plan.namespace}/${plan.deployment} moved from revision ${plan.current.revision} to ${now.current.revision} since the proposal`
          : `the pod template of ${plan.namespace}/${plan.deployment} changed since the proposal`,
    };
  }
}
