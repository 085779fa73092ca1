/**
 * `gitops.waitSync`: after the revert merged, wait until the GitOps controller has synced it — the
 * Deployment's pod template runs the target image — and then until the rollout completed, with the
 * same watch and kubectl rollout status semantics as `k8s.waitRollout` (progress deadline included).
 * Reading the cluster only: a cancel may abandon it mid-way.
 */
import { RollbotError } from '../core/errors.js';
import { imageName } from '../gitops/image-edit.js';
import type { GitopsWaitSyncParams } from '../runbooks/steps-schema.js';
import type { StepImplementation } from './types.js';

const POLL_MS = 1_000;
const DEADLINE_MARGIN_MS = 30_000;

export const gitopsWaitSync: StepImplementation<GitopsWaitSyncParams> = {
  type: 'gitops.waitSync',
  readOnly: true,
  defaultTimeoutMs: () => 600_000 + DEADLINE_MARGIN_MS,
  async run(ctx) {
    const { namespace, deployment, gitops: g, managedBy } = ctx.incident.plan;
    if (!g)
      throw new RollbotError(
        'config_invalid',
        'gitops.waitSync runs only on a plan made with a gitops: runbook',
        {
          hint: 'add gitops: { repo, path } to the runbook',
        },
      );
    const want = `${g.image}:${g.toTag}`;
    const who = managedBy?.title ?? 'the GitOps controller';
    const merged = ctx.incident.execution?.steps.find((s) => s.type === 'gitops.merge')?.output?.mergeSha;
    const at = typeof merged === 'string' ? `${g.repo}@${merged.slice(0, 7)}` : `${g.repo}@${g.ref}`;
    for (;;) {
      const d = await ctx.kube.readDeployment(namespace, deployment);
      const images = (d.spec.template.spec?.containers ?? []).map((c) => c.image ?? '');
      if (images.includes(want)) break;
      const running = images.find((i) => imageName(i) === g.image) ?? images[0] ?? 'nothing';
      ctx.progress(`waiting for ${who} to sync ${at}: the Deployment's template still runs ${running}`);
      await ctx.clock.sleep(POLL_MS, ctx.signal);
    }
    const d = await ctx.kube.readDeployment(namespace, deployment);
    const deadlineMs = (d.spec.progressDeadlineSeconds ?? 600) * 1000;
    const res = await ctx.kube.waitRollout(namespace, deployment, {
      timeoutMs: deadlineMs + DEADLINE_MARGIN_MS,
      signal: ctx.signal,
      onProgress: (message) => ctx.progress(message),
    });
    return {
      summary: `${who} synced ${want} from ${at}; ${res.message}`,
      output: { image: want, ...res.counts },
    };
  },
};
