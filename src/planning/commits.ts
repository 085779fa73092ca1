import type { Octokit } from '@octokit/rest';
import type { CommitInfo } from '../incidents/incident.js';

/**
 * The commits a rollback reverts: GitHub's compare between the target's git ref and the
 * current one (image tags mapped to refs by the runbook's `refFromTag`). Capped, because a
 * proposal must stay readable and within Slack's limits.
 */
export const MAX_COMMITS = 20;

export function imageTag(image: string): string | undefined {
  const at = image.indexOf('@');
  const ref = at >= 0 ? image.slice(0, at) : image;
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > slash ? ref.slice(colon + 1) : undefined;
}

/**
 * The commits for every container whose image the rollback changes (by position, as a pod
 * template's containers keep their order): a sidecar listed first and unchanged is not compared.
 * With one changed container this is `revertedCommits` for it; with several, their commits
 * together (each once) and each one's note.
 */
export async function revertedCommitsOfImages(
  github: Octokit | undefined,
  repository: { github: string; refFromTag: string } | undefined,
  currentImages: readonly string[],
  targetImages: readonly string[],
): Promise<{ commits: CommitInfo[]; note?: string; compareUrl?: string }> {
  const changed = currentImages
    .map((current, i) => ({ current, target: targetImages[i] }))
    .filter(
      (p): p is { current: string; target: string } => p.target !== undefined && p.target !== p.current,
    );
  if (changed.length === 0) return revertedCommits(github, repository, currentImages[0], targetImages[0]);
  const results = await Promise.all(
    changed.map((p) => revertedCommits(github, repository, p.current, p.target)),
  );
  if (results.length === 1) return results[0]!;
  const seen = new Set<string>();
  const commits = results
    .flatMap((r) => r.commits)
    .filter((c) => !seen.has(c.sha) && seen.add(c.sha))
    .slice(0, MAX_COMMITS);
  const notes = results
    .map((r, i) => (r.note ? `${changed[i]!.current}: ${r.note}` : undefined))
    .filter((n): n is string => n !== undefined);
  const compareUrl = results.find((r) => r.compareUrl)?.compareUrl;
  return {
    commits,
    ...(notes.length ? { note: notes.join('; ') } : {}),
    ...(compareUrl ? { compareUrl } : {}),
  };
}

export async function revertedCommits(
  github: Octokit | undefined,
  repository: { github: string; refFromTag: string } | undefined,
  currentImage: string | undefined,
  targetImage: string | undefined,
): Promise<{ commits: CommitInfo[]; note?: string; compareUrl?: string }> {
  if (!repository) return { commits: [], note: 'no repository configured in the runbook' };
  if (!github) return { commits: [], note: 'GitHub is not configured (GITHUB_TOKEN)' };
  const currentTag = currentImage && imageTag(currentImage);
  const targetTag = targetImage && imageTag(targetImage);
  if (!currentTag || !targetTag) return { commits: [], note: 'images carry no tags to map to git refs' };
  const [owner, repo] = repository.github.split('/') as [string, string];
  const base = repository.refFromTag.replaceAll('{tag}', targetTag);
  const head = repository.refFromTag.replaceAll('{tag}', currentTag);
  try {
    // The commit list is a courtesy in the proposal: one retry of a 5xx, not the client's three
    // (1 s + 4 s + 9 s would hold the proposal back while on-call waits for it).
    const res = await github.rest.repos.compareCommitsWithBasehead({
      owner,
      repo,
      basehead: `${base}...${head}`,
      request: { retries: 1 },
    });
    const all = res.data.commits.map((c) => ({
      sha: c.sha,
      message: c.commit.message.split('\n')[0] ?? '',
      author: c.author?.login ?? c.commit.author?.name ?? undefined,
      url: c.html_url,
    }));
    // Newest first: the change most likely to blame leads the list.
    const newestFirst = all.reverse();
    const shown = newestFirst.slice(0, MAX_COMMITS);
    const more = res.data.total_commits - shown.length;
    return {
      commits: shown,
      ...(more > 0 ? { note: `${more} more commits not shown` } : {}),
      compareUrl: res.data.html_url,
    };
  } catch (err) {
    const status = (err as { status?: number }).status;
    return {
      commits: [],
      note: `could not compare ${base}...${head} on ${repository.github} (${status ?? (err as Error).message})`,
    };
  }
}
