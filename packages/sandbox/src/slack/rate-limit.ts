/**
 * Slack's per-channel posting limit: "about one message per second per channel, short bursts
 * allowed". A token bucket per key: `burst` tokens, refilled at `perSecond`.
 */
export interface RateLimitOptions {
  burst: number;
  perSecond: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { burst: 10, perSecond: 1 };

export class RateLimiter {
  private buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly opts: RateLimitOptions | false,
    private readonly now: () => number,
  ) {}

  /** Takes one token; returns undefined when allowed, else the Retry-After in whole seconds. */
  take(key: string): number | undefined {
    if (!this.opts) return undefined;
    const { burst, perSecond } = this.opts;
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond));
  }

  reset(): void {
    this.buckets.clear();
  }
}
