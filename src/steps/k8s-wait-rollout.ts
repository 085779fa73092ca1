/**
 * `k8s.waitRollout`: `kubectl rollout status` through the gateway's watch, with kubectl's live
 * lines as progress and kubectl's failure message (`deployment "x" exceeded its progress
 * deadline`). The wait is bounded by the Deployment's progressDeadlineSeconds (plus a margin for
 * the controller to notice) as well as by the step timeout. The Progressing condition the undo
 * step saw before its PATCH is passed on: until the controller re-estimates progress it can still
 * say ProgressDeadlineExceeded about the rollout that was undone.
 */
import type { WaitRolloutParams } from '../runbooks/steps-schema.js';
import type { ConditionStamp } from '../kube/verdict.js';
import type { StepImplementation } from './types.js';

const DEADLINE_MARGIN_MS = 30_000;

export const waitRollout: StepImplementation<WaitRolloutParams> = {
  type: 'k8s.waitRollout',
  readOnly: true,
  defaultTimeoutMs: () => 600_000 + DEADLINE_MARGIN_MS,
  async run(ctx) {
    const { namespace, deployment } = ctx.incident.plan;
    const d = await ctx.kube.readDeployment(namespace, deployment);
    const deadlineMs = (d.spec.progressDeadlineSeconds ?? 600) * 1000;
    const undo = ctx.incident.execution?.steps.find(
      (s) => s.type === 'k8s.rolloutUndo' && s.status === 'succeeded',
    );
    const before = undo?.output?.['progressingBefore'] as ConditionStamp | undefined;
    const res = await ctx.kube.waitRollout(namespace, deployment, {
      timeoutMs: deadlineMs + DEADLINE_MARGIN_MS,
      staleProgressing: before,
      signal: ctx.signal,
      onProgress: (message) => ctx.progress(message),
    });
    return { summary: res.message, output: { ...res.counts } };
  },
};
