/**
 * Injected failures for resilience tests: the next `times` requests whose path matches answer
 * `status` (e.g. 500, 502) instead of the real thing — or a rate limit, answered as GitHub answers
 * it (docs.github.com, "Rate limits for the REST API"): a secondary limit is 403 with
 * `retry-after` and a message naming the secondary rate limit; a primary limit is 403 with
 * `x-ratelimit-remaining: 0` and `x-ratelimit-reset` at the reset time.
 */
export interface GitHubFault {
  /** Substring of the request path, or a RegExp over it; absent = every request. */
  pathPattern?: string | RegExp | undefined;
  /** HTTP method to match (default any). */
  method?: string | undefined;
  /** Default 403 for a rate limit, else required. */
  status?: number | undefined;
  /** Answer as GitHub's primary or secondary rate limit does (headers and body). */
  rateLimit?: 'primary' | 'secondary' | undefined;
  times?: number | undefined;
  /** Error message in the body (default: a generic one for the status). */
  message?: string | undefined;
  /** Seconds until the limit lifts: `retry-after` (secondary, default 60) or `x-ratelimit-reset` (primary, default 60). */
  retryAfter?: number | undefined;
  delayMs?: number | undefined;
}

export class GitHubFaults {
  private rules: { rule: GitHubFault; left: number }[] = [];

  add(rule: GitHubFault): { remove(): void } {
    const entry = { rule, left: rule.times ?? 1 };
    this.rules.push(entry);
    return { remove: () => void (this.rules = this.rules.filter((e) => e !== entry)) };
  }

  clear(): void {
    this.rules = [];
  }

  take(method: string, path: string): GitHubFault | undefined {
    const entry = this.rules.find((e) => e.left > 0 && matches(e.rule, method, path));
    if (!entry) return undefined;
    entry.left -= 1;
    if (entry.left <= 0) this.rules = this.rules.filter((e) => e !== entry);
    return entry.rule;
  }
}

function matches(rule: GitHubFault, method: string, path: string): boolean {
  if (rule.method && rule.method.toUpperCase() !== method) return false;
  const p = rule.pathPattern;
  if (p === undefined) return true;
  return typeof p === 'string' ? path.includes(p) : p.test(path);
}
