/**
 * The runbook's `gitops:` block (roll back through a revert pull request in the config repository a
 * GitOps controller syncs from) and the rule tying it to the gitops.* steps. Part of schema.ts.
 */
import { z } from 'zod';
import { githubRepo } from './fields.js';

export const gitops = z
  .strictObject({
    repo: githubRepo.describe('config repository the GitOps controller (Argo CD, Flux) syncs from'),
    path: z
      .string()
      .min(1)
      .regex(/^[^/].*[^/]$|^[^/]$/, {
        error: 'a file path inside the repository, without leading or trailing "/"',
      })
      .describe(
        'file that sets the image: a kustomization.yaml (images: newTag), Helm values (image.tag) or a manifest',
      ),
    ref: z.string().min(1).default('main').describe('branch the controller syncs from (default main)'),
    merge: z
      .enum(['auto', 'human'])
      .default('auto')
      .describe(
        'auto: rollbot merges the revert PR on approval; human: a person merges it on GitHub (default auto)',
      ),
    image: z
      .string()
      .min(1)
      .optional()
      .describe(
        "image name whose tag is set, e.g. registry.example.com/payments-api (default: the Deployment's first container's)",
      ),
  })
  .describe(
    'roll back through Git: a revert pull request in the config repository instead of kubectl rollout undo',
  );

/** A `gitops:` runbook merges a revert PR (gitops.merge); it does not also undo with kubectl, and vice versa. */
export function gitopsSteps(
  rb: { gitops?: unknown; steps: readonly { type?: unknown }[] },
  ctx: z.RefinementCtx,
): void {
  const at = (type: string) => rb.steps.findIndex((s) => typeof s === 'object' && s?.type === type);
  const merge = at('gitops.merge');
  const undo = at('k8s.rolloutUndo');
  if (rb.gitops && merge < 0)
    ctx.addIssue({
      code: 'custom',
      path: ['steps'],
      message: 'a gitops: runbook needs a gitops.merge step (it merges the revert pull request)',
      params: { hint: 'steps: [{ type: gitops.merge }, { type: gitops.waitSync }]' },
    });
  if (rb.gitops && undo >= 0)
    ctx.addIssue({
      code: 'custom',
      path: ['steps', undo, 'type'],
      message: 'k8s.rolloutUndo next to gitops: the controller would put the image in Git back',
      params: { hint: 'remove the k8s.rolloutUndo step: merging the revert PR is the rollback' },
    });
  for (const type of ['gitops.merge', 'gitops.waitSync'])
    if (!rb.gitops && at(type) >= 0)
      ctx.addIssue({
        code: 'custom',
        path: ['steps', at(type), 'type'],
        message: `${type} needs a gitops: block (repo, path, ref) in the runbook`,
        params: { hint: 'add gitops: { repo: owner/config-repo, path: apps/<service>/kustomization.yaml }' },
      });
}
