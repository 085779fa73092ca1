/** Octokit failures as RollbotErrors: 5xx / rate limits / network are retryable, 4xx are not. */
import type { Octokit } from '@octokit/rest';
import { RollbotError } from '../core/errors.js';
import type { StepContext } from './types.js';

export function requireGithub(ctx: StepContext): Octokit {
  if (!ctx.github)
    throw new RollbotError('config_invalid', 'this runbook has a GitHub step but GitHub is not configured', {
      hint: 'set GITHUB_TOKEN (and GITHUB_API_URL for GitHub Enterprise)',
    });
  return ctx.github;
}

export function githubError(what: string, err: unknown): RollbotError {
  if (err instanceof RollbotError) return err;
  const status = (err as { status?: number }).status;
  const message = `GitHub ${what} failed${status ? ` (HTTP ${status})` : ''}: ${(err as Error).message}`;
  if (status === 401 || status === 403) {
    const limited = /rate limit/i.test((err as Error).message);
    if (!limited)
      return new RollbotError('forbidden', message, {
        hint: 'check GITHUB_TOKEN and its access to the repository',
        cause: err,
      });
  }
  if (status === 404)
    return new RollbotError('not_found', message, {
      hint: 'check the repository (owner/name) and issue number in the runbook',
      cause: err,
    });
  if (status !== undefined && status >= 400 && status < 500 && status !== 403 && status !== 429) {
    return new RollbotError('bad_input', message, {
      hint: 'check the step parameters in the runbook',
      cause: err,
    });
  }
  return new RollbotError('upstream_failed', message, {
    hint: 'GitHub is unavailable or rate-limiting; rollbot retries if the step allows it',
    cause: err,
  });
}

export function splitRepo(repo: string): { owner: string; repo: string } {
  const [owner, name] = repo.split('/') as [string, string];
  return { owner, repo: name };
}
