/**
 * The revert pull request's words (its description, and who must merge it for the proposal) and
 * the synced branch's protection as far as rollbot's token may read it. Part of revert.ts.
 */
import type { Octokit } from '@octokit/rest';
import type { GitopsPlan } from '../incidents/incident.js';
import type { GitopsConfig, RevertRequest } from './revert.js';

export function describePull(
  cfg: GitopsConfig,
  req: RevertRequest,
  culprit: GitopsPlan['culprit'],
  from: string,
  to: string,
) {
  const lines = [
    `**rollbot rollback of \`${req.service}\`** (\`${req.namespace}/${req.deployment}\`): \`${from}\` → \`${to}\`.`,
    '',
  ];
  if (req.about?.alert) lines.push(`Alert: ${req.about.alert}`);
  if (req.about?.reason) lines.push(`Reason: ${req.about.reason}`);
  if (req.about?.requester) lines.push(`Requested by: ${req.about.requester} (Slack)`);
  lines.push(
    '',
    `This sets the image tag in \`${cfg.path}\` back to what it was before [\`${culprit.sha.slice(0, 7)}\`](${culprit.url ?? ''}) ` +
      `("${culprit.message}"${culprit.author ? ` by @${culprit.author}` : ''}). Merging it is the rollback: the GitOps controller ` +
      'syncs it to the cluster, then rollbot waits for the rollout and verifies.',
    '',
    cfg.merge === 'auto'
      ? 'The proposal is in Slack: rollbot merges this pull request once it is approved there.'
      : 'The proposal is in Slack: once it is approved there, a person with write access merges this pull request here.',
  );
  return lines.join('\n');
}

/** Who must merge, for the proposal. */
export function mergersLine(
  cfg: GitopsConfig,
  protection: GitopsPlan['protection'],
  protectedBranch: boolean,
): string {
  const rules = protection
    ? [
        protection.requiredReviews
          ? `${protection.requiredReviews} approving review${protection.requiredReviews === 1 ? '' : 's'}`
          : '',
        protection.requiredChecks.length ? `status checks ${protection.requiredChecks.join(', ')}` : '',
      ].filter(Boolean)
    : [];
  const asks = rules.length
    ? ` (${cfg.ref} is protected: it requires ${rules.join(' and ')} first)`
    : protectedBranch && !protection
      ? ` (${cfg.ref} is protected; rollbot cannot read its rules)`
      : '';
  return cfg.merge === 'auto'
    ? `rollbot merges it on approval${asks}`
    : `a person with write access to ${cfg.repo} merges it${asks}`;
}

/** Branch protection as far as rollbot may read it (the rules need admin rights on GitHub). */
export async function protectionOf(gh: Octokit, o: { owner: string; repo: string }, branch: string) {
  const b = await gh.rest.repos.getBranch({ ...o, branch });
  if (!b.data.protected) return { protection: undefined, protectedBranch: false };
  try {
    const p = await gh.rest.repos.getBranchProtection({ ...o, branch });
    return {
      protectedBranch: true,
      protection: {
        requiredReviews: p.data.required_pull_request_reviews?.required_approving_review_count ?? 0,
        requiredChecks: p.data.required_status_checks?.contexts ?? [],
      },
    };
  } catch {
    // 403/404 without admin rights: the proposal says the branch is protected, rules unknown.
    return { protection: undefined, protectedBranch: true };
  }
}
