/**
 * How /readyz asks its checks (health.ts): each with a timeout, so a hung dependency makes
 * /readyz say so instead of hanging the kubelet's probe (timeoutSeconds 3 in deploy/), and with a
 * cache per check, so kubelets probing every few seconds on every replica are no load on Slack or
 * the API server. A failure is kept shorter than a success, so recovery shows soon; concurrent
 * probes share one run.
 */
import type { Clock } from '../core/clock.js';
import { RollbotError } from '../core/errors.js';

export interface ReadinessCheck {
  name: string;
  /** Resolves when ready; throws (or rejects) with the reason otherwise. */
  check: () => Promise<void>;
  /** How long an answer is reused (default 0: asked on every probe, e.g. a Redis PING). */
  cacheMs?: number;
}

export interface CheckResult {
  name: string;
  ok: boolean;
  reason?: string;
}

export interface ProbeOptions {
  clock: Pick<Clock, 'now'>;
  /** A failure is reused for at most this long (default 5 s). */
  failureCacheMs?: number;
  /** Per check (default 2.5 s: under the kubelet's 3 s, so the answer names the slow dependency). */
  timeoutMs?: number;
}

function reasonOf(err: unknown): string {
  if (err instanceof RollbotError) return err.operatorMessage;
  return err instanceof Error ? err.message : String(err);
}

async function withTimeout(c: ReadinessCheck, timeoutMs: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(
      () => resolve({ name: c.name, ok: false, reason: `no answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([
      c.check().then(
        (): CheckResult => ({ name: c.name, ok: true }),
        (err: unknown): CheckResult => ({ name: c.name, ok: false, reason: reasonOf(err) }),
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs the checks (cached, bounded, one in flight per check) and returns their results in order. */
export function probeChecks(checks: ReadinessCheck[], opts: ProbeOptions): () => Promise<CheckResult[]> {
  const cache = new Map<string, { at: number; result: CheckResult }>();
  const inFlight = new Map<string, Promise<CheckResult>>();
  const failureCacheMs = opts.failureCacheMs ?? 5_000;
  const timeoutMs = opts.timeoutMs ?? 2_500;

  const probe = (c: ReadinessCheck): Promise<CheckResult> => {
    const hit = cache.get(c.name);
    const cacheMs = c.cacheMs ?? 0;
    const ttl = hit?.result.ok ? cacheMs : Math.min(cacheMs, failureCacheMs);
    if (hit && opts.clock.now() - hit.at < ttl) return Promise.resolve(hit.result);
    const running = inFlight.get(c.name);
    if (running) return running;
    const run = withTimeout(c, timeoutMs)
      .then((result) => {
        cache.set(c.name, { at: opts.clock.now(), result });
        return result;
      })
      .finally(() => inFlight.delete(c.name));
    inFlight.set(c.name, run);
    return run;
  };
  return () => Promise.all(checks.map(probe));
}
