/**
 * The shared loop of the check steps: probe every `interval` until the expectation has held
 * without a break for `holdFor` (a failed probe restarts the window). When the step's time runs
 * out the check fails with what it saw last, not with a bare "timed out".
 */
import { RollbotError } from '../core/errors.js';
import { humanDuration as formatDuration } from '../core/duration.js';
import type { StepContext } from './types.js';

export interface Probe {
  ok: boolean;
  /** What was seen, for progress and the failure message ("503 Service Unavailable"). */
  seen: string;
  /** Value kept in the step output. */
  value?: unknown;
}

export interface HoldOptions {
  holdForMs: number;
  intervalMs: number;
  probe: (signal: AbortSignal) => Promise<Probe>;
  /** Builds the failure once time ran out. */
  failure: (last: Probe | undefined, probes: number, bestHeldMs: number) => RollbotError;
}

export async function holdCheck(
  ctx: StepContext,
  opts: HoldOptions,
): Promise<{ last: Probe; probes: number }> {
  let since: number | undefined;
  let last: Probe | undefined;
  let probes = 0;
  let best = 0;
  for (;;) {
    try {
      last = await opts.probe(ctx.signal);
    } catch (err) {
      if (ctx.signal.aborted) throw ended(ctx, opts, last, probes, best);
      last = { ok: false, seen: err instanceof Error ? err.message : String(err) };
    }
    probes++;
    const now = ctx.clock.now();
    if (last.ok) {
      since ??= now;
      best = Math.max(best, now - since);
      if (now - since >= opts.holdForMs) return { last, probes };
      ctx.progress(`${last.seen}; held ${formatDuration(now - since)} of ${formatDuration(opts.holdForMs)}`);
    } else {
      since = undefined;
      ctx.progress(`${last.seen}; waiting for it to recover`);
    }
    try {
      await ctx.clock.sleep(opts.intervalMs, ctx.signal);
    } catch {
      // The sleep only rejects when the step's signal aborts: `ended` says why, from the signal.
      throw ended(ctx, opts, last, probes, best);
    }
  }
}

/** Timeouts become the check's own failure; cancellation and shutdown pass through as they are. */
function ended(
  ctx: StepContext,
  opts: HoldOptions,
  last: Probe | undefined,
  probes: number,
  best: number,
): RollbotError {
  const reason: unknown = ctx.signal.reason;
  if (reason instanceof RollbotError && reason.code !== 'timeout') return reason;
  return opts.failure(last, probes, best);
}
