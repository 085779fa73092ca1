/**
 * `gitops.merge`: merges the revert pull request the plan prepared (runbook `gitops:`, merge: auto),
 * or waits for a person to merge it on GitHub (merge: human). Idempotent: an already merged PR is
 * success (a resumed run, or a person who merged first). Merges only the commit that was proposed
 * (`sha`), so a branch that moved is refused, and GitHub's refusals — branch protection, conflicts
 * — become messages that say what to do. The summary carries the PR and merge commit links, which
 * the audit record and the postmortem repeat.
 */
import type { Octokit } from '@octokit/rest';
import { RollbotError } from '../core/errors.js';
import type { GitopsPlan } from '../incidents/incident.js';
import type { GitopsMergeParams } from '../runbooks/steps-schema.js';
import { githubError, requireGithub, splitRepo } from './github-error.js';
import type { StepContext, StepImplementation, StepResult } from './types.js';

const POLL_MS = 2_000;

type Pull = Awaited<ReturnType<Octokit['rest']['pulls']['get']>>['data'];

function done(g: GitopsPlan, pr: Pull): StepResult {
  const sha = pr.merge_commit_sha ?? '';
  const by = pr.merged_by?.login;
  const mergeUrl = `${g.pr.url.replace(/\/pull\/\d+$/, '')}/commit/${sha}`;
  return {
    summary: `merged ${g.repo}#${g.pr.number} (${g.pr.url})${by ? ` by ${by}` : ''} as ${mergeUrl}`,
    output: { pr: g.pr.number, prUrl: g.pr.url, mergeSha: sha, mergedBy: by, mergeUrl },
  };
}

async function readPull(ctx: StepContext, gh: Octokit, g: GitopsPlan): Promise<Pull> {
  try {
    return (
      await gh.rest.pulls.get({
        ...splitRepo(g.repo),
        pull_number: g.pr.number,
        request: { signal: ctx.signal },
      })
    ).data;
  } catch (err) {
    throw githubError(`reading pull request ${g.repo}#${g.pr.number}`, err);
  }
}

function rulesNote(g: GitopsPlan): string {
  const p = g.protection;
  if (!p?.requiredReviews) return '';
  return ` (${g.ref} requires ${p.requiredReviews} approving review${p.requiredReviews === 1 ? '' : 's'})`;
}

function closedUnmerged(g: GitopsPlan): RollbotError {
  return new RollbotError('conflict', `the revert pull request ${g.pr.url} was closed without merging`, {
    hint: 'nothing changed in Git or the cluster; propose again (a fresh revert is prepared) or roll forward',
  });
}

function moved(g: GitopsPlan, now: string): RollbotError {
  return new RollbotError(
    'stale_plan',
    `the revert branch ${g.branch} moved since the proposal (${g.commitSha.slice(0, 7)} → ${now.slice(0, 7)})`,
    {
      hint: `review ${g.pr.url}; merge it by hand if it is still right, or dismiss and propose again`,
    },
  );
}

/** GitHub's 405/409 on merge, in words on-call can act on. */
async function refused(ctx: StepContext, gh: Octokit, g: GitopsPlan, err: unknown): Promise<RollbotError> {
  const status = (err as { status?: number }).status;
  const message =
    (err as { response?: { data?: { message?: string } } }).response?.data?.message ?? (err as Error).message;
  if (status === 409) return moved(g, (await readPull(ctx, gh, g)).head.sha);
  if (status === 405 && /not mergeable/i.test(message)) {
    const pr = await readPull(ctx, gh, g);
    if (pr.mergeable === false)
      return new RollbotError(
        'conflict',
        `${g.pr.url} has a merge conflict: ${g.repo}@${g.ref} changed ${g.path} since the proposal`,
        {
          hint: 'dismiss this proposal and propose again: rollbot cuts a fresh revert from the new head',
        },
      );
    return new RollbotError('conflict', `GitHub refused to merge ${g.pr.url}: ${message}`, {
      hint: 'open the pull request on GitHub to see why; merge it by hand when it can be',
    });
  }
  if (status === 405)
    return new RollbotError(
      'forbidden',
      `branch protection on ${g.repo}@${g.ref} refused the merge of ${g.pr.url}: ${message}`,
      {
        hint: 'a person with write access approves (or merges) the pull request on GitHub, then retry the rollback; runbooks for protected branches say gitops.merge: human',
      },
    );
  return githubError(`merging ${g.pr.url}`, err);
}

export const gitopsMerge: StepImplementation<GitopsMergeParams> = {
  type: 'gitops.merge',
  readOnly: false,
  defaultTimeoutMs: () => 3_600_000,
  async run(ctx) {
    const g = ctx.incident.plan.gitops;
    if (!g)
      throw new RollbotError(
        'config_invalid',
        'gitops.merge runs only on a plan made with a gitops: runbook',
        {
          hint: 'add gitops: { repo, path } to the runbook',
        },
      );
    const gh = requireGithub(ctx);
    let pr = await readPull(ctx, gh, g);
    if (pr.merged) return done(g, pr);
    if (pr.state === 'closed') throw closedUnmerged(g);
    if (pr.head.sha !== g.commitSha) throw moved(g, pr.head.sha);
    if (g.merge === 'auto') {
      const approvers = ctx.incident.approvals.map((a) => a.name ?? a.id).join(', ');
      try {
        await gh.rest.pulls.merge({
          ...splitRepo(g.repo),
          pull_number: g.pr.number,
          sha: g.commitSha,
          merge_method: 'merge',
          commit_title: `Merge pull request #${g.pr.number}: ${g.pr.title}`,
          commit_message: `Approved in Slack by ${approvers || 'the approvers'} (rollbot incident ${ctx.incident.id}).`,
          // 405 and 409 are GitHub's final word on this merge, and plugin-retry would retry them
          // (they are not in its doNotRetry list); the step's own retry covers 5xx.
          request: { signal: ctx.signal, retries: 0 },
        });
      } catch (err) {
        // A merge that landed but whose answer was lost reads back as merged.
        pr = await readPull(ctx, gh, g);
        if (pr.merged) return done(g, pr);
        throw await refused(ctx, gh, g, err);
      }
      return done(g, await readPull(ctx, gh, g));
    }
    for (;;) {
      ctx.progress(`waiting for a person with write access to ${g.repo} to merge ${g.pr.url}${rulesNote(g)}`);
      await ctx.clock.sleep(POLL_MS, ctx.signal);
      pr = await readPull(ctx, gh, g);
      if (pr.merged) return done(g, pr);
      if (pr.state === 'closed') throw closedUnmerged(g);
    }
  },
};
