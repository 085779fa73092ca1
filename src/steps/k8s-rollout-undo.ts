/**
 * `k8s.rolloutUndo`: roll the Deployment back to the APPROVED target (invariant 5), found by its
 * ReplicaSet name, because an undo renumbers the target (revision 2 comes back as 4). Re-running
 * after a crash finds "current template already matches" and converges as skipped, never flips
 * back. A Deployment that moved since approval (a revision that is neither the planned current
 * one nor the target) is refused as stale_plan; a deploy racing the PATCH is caught by the
 * gateway's resourceVersion `test` op.
 */
import { RollbotError } from '../core/errors.js';
import type { RolloutUndoParams } from '../runbooks/steps-schema.js';
import type { StepImplementation } from './types.js';

export const rolloutUndo: StepImplementation<RolloutUndoParams> = {
  type: 'k8s.rolloutUndo',
  readOnly: false,
  defaultTimeoutMs: () => 120_000,
  async run(ctx) {
    // The step's own params chose the target at proposal time; the approved plan is what runs now.
    const { namespace, deployment, target, targetReplicaSet } = ctx.incident.plan;
    if (!target) {
      throw new RollbotError(
        'not_found',
        ctx.incident.plan.targetMissingReason ??
          `the plan for deployment "${deployment}" has no rollback target`,
        {
          hint: 're-run /rollback to get a fresh proposal',
        },
      );
    }
    // Common case: the target still has its planned revision, and one plan read (Deployment +
    // ReplicaSets) finds it. After a renumbering (a resumed run whose undo already landed, or a
    // rollback in between) look it up by ReplicaSet name in the history instead.
    let plan = await ctx.kube.planUndo(namespace, deployment, { toRevision: target.revision });
    let entry =
      plan?.target && (!targetReplicaSet || plan.target.replicaSetName === targetReplicaSet)
        ? plan.target
        : undefined;
    if (!entry) {
      const history = await ctx.kube.history(namespace, deployment);
      const found = targetReplicaSet
        ? history.find((e) => e.replicaSetName === targetReplicaSet)
        : history.find((e) => e.revision === target.revision);
      if (!found) {
        throw new RollbotError(
          'not_found',
          `the approved target (revision ${target.revision}${targetReplicaSet ? `, ReplicaSet ${targetReplicaSet}` : ''}) is no longer in the history of deployment "${deployment}"`,
          {
            hint: 'it was pruned (revisionHistoryLimit) or deleted; re-run /rollback to get a fresh proposal',
          },
        );
      }
      plan = await ctx.kube.planUndo(namespace, deployment, { toRevision: found.revision });
      entry = plan.target ?? undefined;
      if (!entry)
        throw new RollbotError(
          'not_found',
          `revision ${found.revision} of deployment "${deployment}" disappeared while planning`,
          { hint: 're-run /rollback to get a fresh proposal' },
        );
    }
    ctx.progress(
      `rolling back deployment "${deployment}" to revision ${target.revision} (${entry.images.join(', ')})`,
    );
    const output = {
      namespace,
      deployment,
      targetRevision: target.revision,
      targetReplicaSet: entry.replicaSetName,
      images: entry.images,
    };
    if (plan.noop) return { summary: plan.noop, output: { ...output, patched: false }, skipped: true };
    if (plan.current.revision !== ctx.incident.plan.current.revision) {
      throw new RollbotError(
        'stale_plan',
        `deployment "${deployment}" moved since approval: it runs revision ${plan.current.revision} (${plan.current.images.join(', ')}), the approved plan expected revision ${ctx.incident.plan.current.revision}; nothing was changed`,
        {
          hint: 'a newer deploy happened; re-run /rollback to get a fresh proposal',
          details: { planned: ctx.incident.plan.current.revision, now: plan.current.revision },
        },
      );
    }
    const res = await ctx.kube.rolloutUndo(plan, { precondition: true });
    return {
      summary: res.message,
      output: {
        ...output,
        patched: res.result === 'rolled back',
        // For the wait step: the old rollout's condition is not the rollback's verdict.
        ...(res.progressingBefore ? { progressingBefore: res.progressingBefore } : {}),
      },
      skipped: res.result === 'skipped',
    };
  },
};
