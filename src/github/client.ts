/**
 * The one place rollbot builds its GitHub client, after probot's `src/octokit/probot-octokit.ts`:
 * @octokit/rest with @octokit/plugin-throttling (primary and secondary rate limits: an alert
 * storm must wait out GitHub's `retry-after`, not fail or hammer it) and @octokit/plugin-retry
 * (5xx and network errors, with growing delays), Octokit's own log routed into pino, and one
 * debug line per attempt (method, URL, status, ms) as probot's request-logging plugin writes.
 */
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import type { Logger } from '../log/logger.js';

export type GitHubClient = Octokit;

/** A rate limit that asks for longer than this is not waited out: the call fails and says so. */
const MAX_RATE_LIMIT_WAIT_S = 60;
/** Rate-limited calls are retried this many times at most (probot: twice). */
const MAX_RATE_LIMIT_RETRIES = 2;

/** Listed first, so its hook is the innermost: one line per attempt, retries included. */
function requestLogging(octokit: Pick<Octokit, 'hook'>, options: Record<string, unknown>) {
  const log = options['requestLog'] as Logger | undefined;
  if (!log) return;
  octokit.hook.wrap('request', async (request, opts) => {
    const started = Date.now();
    const line = { method: opts.method, url: opts.url };
    try {
      const res = await request(opts);
      log.debug({ ...line, status: res.status, ms: Date.now() - started }, 'github request');
      return res;
    } catch (err) {
      const status = (err as { status?: number }).status;
      log.debug({ ...line, status, ms: Date.now() - started }, 'github request failed');
      throw err;
    }
  });
}

const RollbotOctokit = Octokit.plugin(requestLogging, throttling, retry);

export interface GitHubClientOptions {
  token?: string | undefined;
  /** https://api.github.com, or https://<host>/api/v3 for GitHub Enterprise. */
  baseUrl: string;
  log: Logger;
  /** Retries of a 5xx / network failure (default 3; plugin-retry waits 1 s, 4 s, 9 s). */
  retries?: number | undefined;
}

export function createGitHubClient(opts: GitHubClientOptions): GitHubClient {
  const log = opts.log.child({ component: 'github' });
  const onLimit =
    (kind: 'primary' | 'secondary') =>
    (retryAfter: number, options: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      const again = retryCount < MAX_RATE_LIMIT_RETRIES && retryAfter <= MAX_RATE_LIMIT_WAIT_S;
      log.warn(
        { method: options.method, url: options.url, retryAfter, retryCount, retrying: again },
        again
          ? `GitHub ${kind} rate limit: retrying in ${retryAfter} s`
          : `GitHub ${kind} rate limit: giving up (retry-after ${retryAfter} s)`,
      );
      return again;
    };
  return new RollbotOctokit({
    ...(opts.token ? { auth: opts.token } : {}),
    baseUrl: opts.baseUrl,
    userAgent: 'rollbot',
    requestLog: log,
    // @octokit/rest's own request log (plugin-request-log) writes the same lines as ours, as text,
    // through debug/info/error: trace. Warnings (deprecations, a failing limit handler) stay warnings.
    log: {
      debug: (message: string) => log.trace(message),
      info: (message: string) => log.trace(message),
      warn: (message: string) => log.warn(message),
      error: (message: string) => log.trace(message),
    },
    throttle: { onRateLimit: onLimit('primary'), onSecondaryRateLimit: onLimit('secondary') },
    retry: { retries: opts.retries ?? 3 },
  });
}
