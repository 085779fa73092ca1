/**
 * What /readyz checks: the instance can do its work. Redis (every action needs it), Slack (the
 * bot token still authenticates: auth.test) and Kubernetes (the API server answers with these
 * credentials: GET /version). The remote probes are cached — a kubelet probing every few seconds
 * on every replica must not become load on Slack or the API server — and each has a timeout, so a
 * hung dependency makes /readyz say so instead of hanging the probe.
 */
import type { Clock } from '../core/clock.js';
import { RollbotError } from '../core/errors.js';

export interface ReadinessCheck {
  name: string;
  ok: boolean;
  reason?: string;
}

export interface Probe {
  name: string;
  /** Resolves when healthy; rejects with what is wrong. */
  run(): Promise<void>;
  /** How long an answer is reused (0 = ask every time). */
  cacheMs: number;
}

export interface ReadinessOptions {
  probes: Probe[];
  clock: Pick<Clock, 'now'>;
  /** A failure is reused for at most this long, so recovery shows soon (default 5 s). */
  failureCacheMs?: number;
  /** Per probe (default 3 s). */
  timeoutMs?: number;
  /** Checks that need no I/O (shutdown), evaluated on every call. */
  local?: () => ReadinessCheck[];
}

interface Cached {
  at: number;
  result: ReadinessCheck;
}

async function withTimeout(probe: Probe, timeoutMs: number): Promise<ReadinessCheck> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<ReadinessCheck>((resolve) => {
    timer = setTimeout(
      () => resolve({ name: probe.name, ok: false, reason: `no answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([
      probe.run().then(
        (): ReadinessCheck => ({ name: probe.name, ok: true }),
        (err: unknown): ReadinessCheck => ({
          name: probe.name,
          ok: false,
          reason:
            err instanceof RollbotError
              ? err.operatorMessage
              : err instanceof Error
                ? err.message
                : String(err),
        }),
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The /readyz check list: cached remote probes, one in-flight run per probe, then local checks. */
export function readiness(opts: ReadinessOptions): () => Promise<ReadinessCheck[]> {
  const cache = new Map<string, Cached>();
  const inFlight = new Map<string, Promise<ReadinessCheck>>();
  const failureCacheMs = opts.failureCacheMs ?? 5_000;
  const timeoutMs = opts.timeoutMs ?? 3_000;

  const check = (probe: Probe): Promise<ReadinessCheck> => {
    const now = opts.clock.now();
    const hit = cache.get(probe.name);
    const ttl = hit?.result.ok ? probe.cacheMs : Math.min(probe.cacheMs, failureCacheMs);
    if (hit && now - hit.at < ttl) return Promise.resolve(hit.result);
    const running = inFlight.get(probe.name);
    if (running) return running;
    const run = withTimeout(probe, timeoutMs)
      .then((result) => {
        cache.set(probe.name, { at: opts.clock.now(), result });
        return result;
      })
      .finally(() => inFlight.delete(probe.name));
    inFlight.set(probe.name, run);
    return run;
  };

  return async () => [...(await Promise.all(opts.probes.map(check))), ...(opts.local?.() ?? [])];
}
