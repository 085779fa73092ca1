import type { Octokit } from '@octokit/rest';
import type { IncidentPlan } from '../incidents/incident.js';
import type { Planner } from '../incidents/ports.js';
import type { UndoPlan, UndoTarget } from '../kube/plan.js';
import type { Runbook } from '../runbooks/schema.js';
import { revertedCommits } from './commits.js';

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
  if (p.request.toImageTag !== undefined) return reason;
  const wanted = p.request.toRevision ? p.request.toRevision : p.current.revision - 1;
  if (wanted < 1 || wanted >= p.current.revision) return reason;
  const limit =
    p.revisionHistoryLimit === undefined ? '' : ` (revisionHistoryLimit: ${p.revisionHistoryLimit})`;
  return `${reason} — revision ${wanted} was pruned from the Deployment's history${limit}`;
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
  ): Promise<IncidentPlan> {
    const p = await this.kube.planUndo(target.namespace, target.deployment, request);
    const commits = p.target
      ? await revertedCommits(this.github, runbook.repository, p.current.images[0], p.target.images[0])
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
          }
        : null,
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
    };
  }

  async staleness(plan: IncidentPlan): Promise<{ stale: false } | { stale: true; reason: string }> {
    const now = await this.kube.planUndo(plan.namespace, plan.deployment, {});
    if (now.fingerprint === plan.templateHash) return { stale: false };
    return {
      stale: true,
      reason:
        now.current.revision !== plan.current.revision
          ? `${plan.namespace}/${plan.deployment} moved from revision ${plan.current.revision} to ${now.current.revision} since the proposal`
          : `the pod template of ${plan.namespace}/${plan.deployment} changed since the proposal`,
    };
  }
}
