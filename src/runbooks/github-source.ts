/**
 * Runbooks straight from a GitHub repository directory at a ref (branch, tag or SHA), so the
 * reviewed, merged version is what runs. The ref is resolved to a commit SHA first and every
 * file is read at that SHA: one consistent snapshot, recorded on each `LoadedRunbook`.
 */
import type { Octokit } from '@octokit/rest';
import { RollbotError } from '../core/errors.js';
import {
  isRunbookFile,
  parseRunbookSet,
  type LintError,
  type LoadedRunbook,
  type RunbookText,
} from './load.js';

export interface GitHubRunbookLocation {
  /** owner/name */
  repo: string;
  /** Directory inside the repository, e.g. `runbooks`. */
  path: string;
  /** Branch, tag or commit SHA. */
  ref: string;
}

function split(repo: string): { owner: string; repo: string } {
  const [owner, name, ...rest] = repo.split('/');
  if (!owner || !name || rest.length > 0) {
    throw new RollbotError('config_invalid', `"${repo}" is not a GitHub repository`, {
      hint: 'write owner/name',
    });
  }
  return { owner, repo: name };
}

function upstream(what: string, err: unknown): RollbotError {
  const status = (err as { status?: number }).status;
  return new RollbotError(
    status === 404 ? 'not_found' : 'upstream_failed',
    `${what}: ${(err as Error).message}`,
    {
      cause: err,
      hint:
        status === 404
          ? 'check the repository, ref and path, and that the token can read them'
          : 'retry; check GITHUB_TOKEN and the GitHub URL',
    },
  );
}

export async function loadRunbooksFromGitHub(
  octokit: Octokit,
  location: GitHubRunbookLocation,
): Promise<{ runbooks: LoadedRunbook[]; errors: LintError[]; commitSha: string }> {
  const coords = split(location.repo);
  let commitSha: string;
  try {
    commitSha = (await octokit.rest.repos.getCommit({ ...coords, ref: location.ref })).data.sha;
  } catch (err) {
    throw upstream(`cannot resolve ${location.repo}@${location.ref}`, err);
  }
  let listing: unknown;
  try {
    listing = (await octokit.rest.repos.getContent({ ...coords, path: location.path, ref: commitSha })).data;
  } catch (err) {
    throw upstream(`cannot list ${location.repo}/${location.path}@${location.ref}`, err);
  }
  if (!Array.isArray(listing)) {
    throw new RollbotError('config_invalid', `${location.repo}/${location.path} is not a directory`, {
      hint: 'point at the directory that holds the runbook YAML files',
    });
  }
  const entries = (listing as { type: string; name: string; path: string }[])
    .filter((e) => e.type === 'file' && isRunbookFile(e.name))
    .sort((a, b) => a.name.localeCompare(b.name));
  const files: RunbookText[] = await Promise.all(
    entries.map(async (e) => {
      let data: unknown;
      try {
        data = (await octokit.rest.repos.getContent({ ...coords, path: e.path, ref: commitSha })).data;
      } catch (err) {
        throw upstream(`cannot read ${location.repo}/${e.path}@${location.ref}`, err);
      }
      const file = data as { content?: string; encoding?: string };
      const text =
        file.encoding === 'base64'
          ? Buffer.from(file.content ?? '', 'base64').toString('utf8')
          : (file.content ?? '');
      return {
        text,
        file: `${location.repo}@${commitSha.slice(0, 12)}:${e.path}`,
        source: { kind: 'github' as const, repo: location.repo, ref: location.ref, commitSha, path: e.path },
      };
    }),
  );
  return { ...parseRunbookSet(files), commitSha };
}
