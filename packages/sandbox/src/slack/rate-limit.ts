/**
 * Slack's Web API rate limits, as published (api.slack.com/apis/rate-limits, each method's page):
 * limits apply per method, per app, per workspace. Tiered methods allow N calls per minute
 * ("N+", with bursts): modelled as at most N calls in any rolling 60 s, the published floor, so
 * the simulator is never kinder than Slack. `chat.postMessage` is special: about one message per
 * second per channel, short bursts allowed (a token bucket per channel). A refused call answers
 * HTTP 429 `{ok:false,error:"ratelimited"}` with `Retry-After` in whole seconds; it does not count.
 */
export interface RateLimitOptions {
  /** chat.postMessage per channel: bucket size. */
  burst: number;
  /** chat.postMessage per channel: tokens per second. */
  perSecond: number;
  /** Calls per minute per method; `false` turns one method's limit off. Default: METHOD_LIMITS. */
  perMinute?: Record<string, number | false> | undefined;
}

/** Slack's tiers: Tier 1 1+/min, Tier 2 20+/min, Tier 3 50+/min, Tier 4 100+/min. */
export const TIERS = { 1: 1, 2: 20, 3: 50, 4: 100 } as const;
/** "Special" methods whose page says "hundreds of requests per minute". */
const HUNDREDS = 200;

/** Every method the simulator serves, with its published tier. */
export const METHOD_LIMITS: Record<string, number> = {
  'chat.update': TIERS[3],
  'chat.delete': TIERS[3],
  'chat.postEphemeral': TIERS[4],
  'chat.getPermalink': HUNDREDS,
  'auth.test': HUNDREDS,
  'conversations.info': TIERS[3],
  'users.info': TIERS[4],
  'usergroups.list': TIERS[2],
  'usergroups.users.list': TIERS[2],
};

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { burst: 10, perSecond: 1 };

const WINDOW_MS = 60_000;

export class RateLimiter {
  private buckets = new Map<string, { tokens: number; at: number }>();
  private windows = new Map<string, number[]>();

  constructor(
    private readonly opts: RateLimitOptions | false,
    private readonly now: () => number,
  ) {}

  /** chat.postMessage's per-channel bucket: undefined when allowed, else Retry-After seconds. */
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

  /** A tiered method's per-minute limit: undefined when allowed, else Retry-After seconds. */
  takeMethod(method: string): number | undefined {
    if (!this.opts) return undefined;
    const limit = this.opts.perMinute?.[method] ?? METHOD_LIMITS[method];
    if (limit === undefined || limit === false) return undefined;
    const now = this.now();
    const calls = (this.windows.get(method) ?? []).filter((t) => t > now - WINDOW_MS);
    this.windows.set(method, calls);
    if (calls.length < limit) {
      calls.push(now);
      return undefined;
    }
    // Free again when the oldest call in the window leaves it.
    return Math.max(1, Math.ceil((calls[0]! + WINDOW_MS - now) / 1000));
  }

  reset(): void {
    this.buckets.clear();
    this.windows.clear();
  }
}
