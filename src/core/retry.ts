/**
 * The one retry loop and backoff rule in rollbot: a doubling delay from `baseMs`, capped at
 * `maxMs`. The Kubernetes reads (kube/raw.ts), every runbook step's retry policy (http, prometheus
 * and the rest, executor/run-step.ts) and the audit channel poster all use it, so "how long until
 * the next try" is written once. GitHub and Slack clients retry inside their own libraries
 * (@octokit/plugin-retry, @slack/web-api's retryConfig), configured in their factories.
 */
import type { Clock } from './clock.js';

export interface Backoff {
  baseMs: number;
  /** Upper bound of one delay (default: none). */
  maxMs?: number | undefined;
}

/** The delay after failed attempt `attempt` (1-based): base, 2·base, 4·base … up to maxMs. */
export function backoffDelay(attempt: number, backoff: Backoff): number {
  const delay = backoff.baseMs * 2 ** Math.max(0, attempt - 1);
  return backoff.maxMs === undefined ? delay : Math.min(backoff.maxMs, delay);
}

export interface RetryOptions<E> extends Backoff {
  /** Attempts in all, the first included (1 = no retry). */
  attempts: number;
  /** Turns what was thrown into the error to judge and rethrow. */
  normalise: (err: unknown) => E;
  /** Whether this failure is worth another attempt after `delayMs`. */
  retryable: (err: E, attempt: number, delayMs: number) => boolean;
  sleep: Clock['sleep'];
  /** Stops retrying (and the wait) when aborted. */
  signal?: AbortSignal | undefined;
  /** Before each attempt (e.g. to record the attempt number). */
  beforeAttempt?: ((attempt: number) => Promise<void>) | undefined;
  /** Before waiting `delayMs` for the next attempt. */
  onRetry?: ((attempt: number, err: E, delayMs: number) => void) | undefined;
}

/**
 * Runs `attempt` until it succeeds, the error is not retryable, the attempts are used up or the
 * signal aborts; throws the last error (or, when the wait is aborted, what `normalise` makes of
 * the abort reason).
 */
export async function retrying<T, E>(attempt: (n: number) => Promise<T>, opts: RetryOptions<E>): Promise<T> {
  for (let n = 1; ; n++) {
    await opts.beforeAttempt?.(n);
    try {
      return await attempt(n);
    } catch (raw) {
      const err = opts.normalise(raw);
      const delay = backoffDelay(n, opts);
      if (n >= opts.attempts || opts.signal?.aborted || !opts.retryable(err, n, delay)) throw err;
      opts.onRetry?.(n, err, delay);
      await opts.sleep(delay, opts.signal).catch(() => {
        throw opts.normalise(opts.signal?.reason ?? err);
      });
    }
  }
}
