/**
 * One step under its policy: a timeout per attempt (the step's own, else the type's default,
 * never past the runbook deadline) and retries with doubling backoff for retryable failures only
 * (upstream_failed, timeout) — a stale plan or a refusal never gets better by repeating.
 */
import type { Clock } from '../core/clock.js';
import { asRollbotError, RollbotError } from '../core/errors.js';
import { retrying } from '../core/retry.js';
import { humanDuration as formatDuration } from '../core/duration.js';
import type { Step } from '../runbooks/steps-schema.js';
import type { StepContext, StepImplementation, StepResult } from '../steps/types.js';

const RETRYABLE = new Set(['upstream_failed', 'timeout']);
/** After an abort, how long a step gets to settle with its own (better) error message. */
const SETTLE_GRACE_MS = 1_000;

export interface StepRun {
  step: Step;
  impl: StepImplementation;
  params: unknown;
  clock: Clock;
  /** Absolute epoch ms at which the whole runbook times out. */
  deadline: number;
  runbookTimeoutMs: number;
  /** Aborted by the executor for cancellation (read-only steps) or shutdown past grace. */
  external: AbortSignal;
  /** Builds the step context for one attempt. */
  context(signal: AbortSignal, attempt: number): StepContext;
  /** Called before each attempt (the executor records the attempt number). */
  beforeAttempt(attempt: number): Promise<void>;
  /** Called before waiting to retry. */
  onRetry(attempt: number, err: RollbotError, delayMs: number): void;
}

export function stepTimeoutMs(run: Pick<StepRun, 'step' | 'impl' | 'params'>): number {
  return run.step.timeout ?? run.impl.defaultTimeoutMs(run.params);
}

export async function runStep(run: StepRun): Promise<StepResult> {
  return retrying((attempt) => runAttempt(run, attempt), {
    attempts: run.step.retry?.attempts ?? 1,
    baseMs: run.step.retry?.backoff ?? 2_000,
    normalise: asRollbotError,
    retryable: (err, _attempt, delay) =>
      RETRYABLE.has(err.code) &&
      err.details?.['retryable'] !== false &&
      run.clock.now() + delay < run.deadline &&
      !err.details?.['runbookTimeout'],
    sleep: (ms, signal) => run.clock.sleep(ms, signal),
    signal: run.external,
    beforeAttempt: (attempt) => run.beforeAttempt(attempt),
    onRetry: (attempt, err, delay) => run.onRetry(attempt, err, delay),
  });
}

async function runAttempt(run: StepRun, attempt: number): Promise<StepResult> {
  const remaining = run.deadline - run.clock.now();
  const own = stepTimeoutMs(run);
  const byRunbook = remaining < own;
  const ms = Math.max(0, Math.min(own, remaining));
  const timeoutError = byRunbook
    ? new RollbotError(
        'timeout',
        `the runbook timeout (${formatDuration(run.runbookTimeoutMs)}) ran out during step "${run.step.id}"`,
        {
          hint: 'the rollback took longer than the runbook allows; check the cluster and the progress message, then decide by hand',
          details: { runbookTimeout: true },
        },
      )
    : new RollbotError(
        'timeout',
        `step "${run.step.id}" (${run.step.type}) timed out after ${formatDuration(ms)}`,
        {
          hint: 'raise the step timeout in the runbook if this step legitimately takes longer',
        },
      );
  if (ms <= 0) throw timeoutError;

  const ac = new AbortController();
  const timer = new AbortController();
  const onExternal = () => ac.abort(run.external.reason);
  if (run.external.aborted) onExternal();
  else run.external.addEventListener('abort', onExternal, { once: true });
  run.clock.sleep(ms, timer.signal).then(
    () => ac.abort(timeoutError),
    () => undefined,
  );
  try {
    return await settleOrAbandon(run.impl.run(run.context(ac.signal, attempt)), ac.signal);
  } catch (err) {
    // A bare AbortError (or an adapter's "cancelled") says less than why we aborted: a timeout stays a timeout.
    if (ac.signal.aborted && (!(err instanceof RollbotError) || err.code === 'cancelled'))
      throw ac.signal.reason;
    throw err;
  } finally {
    timer.abort();
    run.external.removeEventListener('abort', onExternal);
  }
}

/** The step's own outcome, or the abort reason if the step ignores its signal for too long. */
function settleOrAbandon<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const abandoned = new Promise<never>((_, reject) => {
    const onAbort = () => {
      timer = setTimeout(() => reject(signal.reason), SETTLE_GRACE_MS);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([work, abandoned]).finally(() => clearTimeout(timer));
}
