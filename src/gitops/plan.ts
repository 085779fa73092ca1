/**
 * A plan through Git (runbook `gitops:`): the target is the image tag before the config-repo commit
 * that moved it to the one running now (or the tag / revision on-call named), reached by merging a
 * revert pull request rather than by `kubectl rollout undo`. The controller's sync will give the
 * Deployment a new revision (max + 1; the old ReplicaSet is scaled back up and renumbered).
 */
import type { Octokit } from '@octokit/rest';
import type { IncidentPlan } from '../incidents/incident.js';
import { type Suspect, suspectMark } from '../incidents/suspects.js';
import type { UndoPlan, UndoTarget } from '../kube/plan.js';
import type { Runbook } from '../runbooks/schema.js';
import { imageName } from './image-edit.js';
import { planRevert, type RevertRequest } from './revert.js';

export type PlanAbout = RevertRequest['about'];

type GitPart = Pick<
  IncidentPlan,
  'target' | 'targetMissingReason' | 'gitops' | 'targetSuspect' | 'skippedSuspects'
>;

const tagOf = (image: string) => {
  const name = imageName(image);
  return image.length > name.length ? image.slice(name.length + 1).split('@')[0] : undefined;
};

export async function planThroughGit(
  github: Octokit | undefined,
  runbook: Runbook,
  p: UndoPlan,
  request: UndoTarget,
  about?: PlanAbout,
  suspects: readonly Suspect[] = [],
): Promise<GitPart> {
  const cfg = runbook.gitops!;
  if (!github)
    return {
      target: null,
      targetMissingReason:
        'GitHub is not configured (GITHUB_TOKEN): this runbook rolls back through a pull request in its config repository',
    };
  const name = cfg.image ?? imageName(p.current.images[0] ?? '');
  const currentImage = p.current.images.find((i) => imageName(i) === name);
  if (!currentImage)
    return {
      target: null,
      targetMissingReason: `${p.namespace}/${p.deployment} runs no image named ${name}`,
    };
  let wantedTag = request.toImageTag;
  if (request.toRevision) {
    const rev = p.history.find((h) => h.revision === request.toRevision);
    const img = rev?.images.find((i) => imageName(i) === name);
    if (!img)
      return {
        target: null,
        targetMissingReason: `unable to find specified revision ${request.toRevision} in history`,
      };
    wantedTag = tagOf(img);
  }
  // Never propose the release that paged (DESIGN.md invariant 10): tags whose template was live
  // when an alert fired are passed over by the default choice, as the kubectl path passes them.
  const suspectTags = new Map<string, (typeof p.history)[number]>();
  for (const h of p.history)
    if (suspectMark(suspects, h.templateHash))
      for (const i of h.images) if (imageName(i) === name && tagOf(i)) suspectTags.set(tagOf(i)!, h);
  const out = await planRevert(github, cfg, {
    skipTags: new Set(suspectTags.keys()),
    service: runbook.service,
    namespace: p.namespace,
    deployment: p.deployment,
    channel: runbook.channel,
    currentImage,
    wantedTag,
    about,
  });
  const skippedSuspects = (out.passedOver ?? []).flatMap((tag) => {
    const h = suspectTags.get(tag);
    return h
      ? [{ revision: h.revision, images: h.images, suspect: suspectMark(suspects, h.templateHash) }]
      : [];
  });
  if (!out.ok)
    return {
      target: null,
      targetMissingReason: out.missing,
      skippedSuspects: skippedSuspects.length ? skippedSuspects : undefined,
    };
  const g = out.plan;
  const want = `${g.image}:${g.toTag}`;
  const known = p.history.find((h) => h.images.includes(want));
  const top = Math.max(p.current.revision, ...p.history.map((h) => h.revision));
  return {
    gitops: g,
    skippedSuspects: skippedSuspects.length ? skippedSuspects : undefined,
    targetSuspect: suspectMark(suspects, known?.templateHash),
    target: {
      revision: top + 1,
      images: p.current.images.map((i) => (imageName(i) === g.image ? want : i)),
      changeCause: `revert of ${g.culprit.sha.slice(0, 7)} in ${g.repo} (pull request #${g.pr.number})`,
      createdAt: known?.createdAt,
      templateHash: known?.templateHash,
    },
  };
}
