/**
 * `kubectl rollout status deployment/X` over a watch: read the Deployment once, then watch it
 * (`fieldSelector=metadata.name=X`) from that resourceVersion, judging every event with kubectl's
 * DeploymentStatusViewer rules. A watch that ends early is re-opened from the last seen
 * resourceVersion; an expired one (410) re-reads first. No polling.
 */
import { type KubeConfig, Watch } from '@kubernetes/client-node';
import { RollbotError } from '../core/errors.js';
import { errorFromStatus, type KubeAction, type KubeStatus } from './errors.js';
import { deploymentPath, readDeployment } from './history.js';
import type { RawKube } from './raw.js';
import type { RawDeployment } from './types.js';

export interface RolloutCounts {
  /** spec.replicas */
  desired: number;
  /** status.replicas (old + new pods) */
  replicas: number;
  updated: number;
  ready: number;
  available: number;
}

export type RolloutVerdict =
  | { state: 'waiting'; message: string; counts: RolloutCounts }
  | { state: 'done'; message: string; counts: RolloutCounts }
  | { state: 'failed'; message: string; counts: RolloutCounts };

export interface WaitOptions {
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** kubectl's waiting lines, each time the status changes. */
  onProgress?: ((message: string, counts: RolloutCounts) => void) | undefined;
  /**
   * As `kubectl rollout status` does: when the very first read fails (API unreachable), fail with
   * its error instead of retrying until the timeout. The executor's step leaves this off and rides
   * out API blips; once the Deployment was read, both re-watch across blips.
   */
  failIfFirstReadFails?: boolean | undefined;
}

export interface WaitResult {
  done: true;
  message: string;
  counts: RolloutCounts;
}

export function countsOf(d: RawDeployment): RolloutCounts {
  const s = d.status ?? {};
  return {
    desired: d.spec.replicas ?? 1,
    replicas: s.replicas ?? 0,
    updated: s.updatedReplicas ?? 0,
    ready: s.readyReplicas ?? 0,
    available: s.availableReplicas ?? 0,
  };
}

/** kubectl DeploymentStatusViewer.Status (messages without the trailing newline). */
export function rolloutVerdict(d: RawDeployment): RolloutVerdict {
  const name = d.metadata.name;
  const counts = countsOf(d);
  if ((d.metadata.generation ?? 0) > (d.status?.observedGeneration ?? 0)) {
    return { state: 'waiting', message: 'Waiting for deployment spec update to be observed...', counts };
  }
  const progressing = d.status?.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return { state: 'failed', message: `deployment "${name}" exceeded its progress deadline`, counts };
  }
  const waiting = (what: string): RolloutVerdict => ({
    state: 'waiting',
    message: `Waiting for deployment "${name}" rollout to finish: ${what}...`,
    counts,
  });
  if (d.spec.replicas !== undefined && counts.updated < d.spec.replicas)
    return waiting(`${counts.updated} out of ${d.spec.replicas} new replicas have been updated`);
  if (counts.replicas > counts.updated)
    return waiting(`${counts.replicas - counts.updated} old replicas are pending termination`);
  if (counts.available < counts.updated)
    return waiting(`${counts.available} of ${counts.updated} updated replicas are available`);
  return { state: 'done', message: `deployment "${name}" successfully rolled out`, counts };
}

const REWATCH_DELAY_MS = 200;

export function waitRollout(
  kc: KubeConfig,
  raw: RawKube,
  namespace: string,
  name: string,
  opts: WaitOptions,
): Promise<WaitResult> {
  const watchAction: KubeAction = { verb: 'watch', resource: 'deployments', group: 'apps', namespace, name };
  const watch = new Watch(kc);
  return new Promise<WaitResult>((resolve, reject) => {
    let finished = false;
    let controller: AbortController | undefined;
    let lastRv: string | undefined;
    let lastLine = '';
    let retry: NodeJS.Timeout | undefined;
    let readOnce = false;

    const cleanup = (): void => {
      finished = true;
      clearTimeout(timer);
      clearTimeout(retry);
      opts.signal?.removeEventListener('abort', onAbort);
      controller?.abort();
    };
    const fail = (err: RollbotError): void => {
      if (finished) return;
      cleanup();
      reject(err);
    };
    const onAbort = (): void =>
      fail(
        new RollbotError('cancelled', `stopped waiting for deployment "${name}" rollout`, {
          cause: opts.signal?.reason,
        }),
      );
    const timer = setTimeout(
      () =>
        fail(
          new RollbotError('timeout', 'timed out waiting for the condition', {
            hint: `deployment "${name}" in namespace "${namespace}" did not finish rolling out within ${Math.round(opts.timeoutMs / 1000)}s; check its pods (kubectl -n ${namespace} describe deployment ${name})`,
            details: { lastStatus: lastLine },
          }),
        ),
      opts.timeoutMs,
    );
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    const judge = (d: RawDeployment): void => {
      if (finished) return;
      lastRv = d.metadata.resourceVersion ?? lastRv;
      const v = rolloutVerdict(d);
      if (v.state === 'done') {
        cleanup();
        resolve({ done: true, message: v.message, counts: v.counts });
      } else if (v.state === 'failed') {
        const deadline = d.spec.progressDeadlineSeconds ?? 600;
        fail(
          new RollbotError('upstream_failed', v.message, {
            hint: `its new pods did not become available within progressDeadlineSeconds (${deadline}s); look at them (kubectl -n ${namespace} describe deployment ${name}; kubectl -n ${namespace} get pods) and roll back or fix the image`,
            details: { reason: 'ProgressDeadlineExceeded', retryable: false, counts: v.counts },
          }),
        );
      } else {
        const line = `${v.message} ${JSON.stringify(v.counts)}`;
        if (line !== lastLine) opts.onProgress?.(v.message, v.counts);
        lastLine = line;
      }
    };

    const relist = async (): Promise<void> => {
      try {
        const d = await readDeployment(raw, namespace, name, opts.signal);
        readOnce = true;
        judge(d);
        if (!finished) await startWatch();
      } catch (err) {
        if (
          err instanceof RollbotError &&
          err.code === 'upstream_failed' &&
          (readOnce || !opts.failIfFirstReadFails)
        )
          return scheduleRewatch(true);
        fail(err instanceof RollbotError ? err : new RollbotError('internal', String(err), { cause: err }));
      }
    };

    const scheduleRewatch = (fromScratch: boolean): void => {
      if (finished) return;
      retry = setTimeout(() => void (fromScratch ? relist() : startWatch()), REWATCH_DELAY_MS);
    };

    const startWatch = async (): Promise<void> => {
      if (finished) return;
      let expired = false;
      raw.log?.debug({ path: deploymentPath(namespace), name, resourceVersion: lastRv }, 'kubernetes watch');
      controller = await watch.watch(
        deploymentPath(namespace),
        { fieldSelector: `metadata.name=${name}`, resourceVersion: lastRv, allowWatchBookmarks: true },
        (type: string, obj: unknown) => {
          if (finished) return;
          if (type === 'ADDED' || type === 'MODIFIED') judge(obj as RawDeployment);
          else if (type === 'BOOKMARK') lastRv = (obj as RawDeployment).metadata?.resourceVersion ?? lastRv;
          else if (type === 'DELETED') {
            fail(
              new RollbotError(
                'not_found',
                `deployment "${name}" was deleted while waiting for its rollout (object has been deleted)`,
                { hint: 'find out who deleted it; there is nothing left to wait for' },
              ),
            );
          } else if (type === 'ERROR') {
            const status = obj as KubeStatus;
            if (status.code === 410) expired = true;
            else fail(errorFromStatus(status.code ?? 500, status, watchAction));
          }
        },
        (err: unknown) => {
          if (finished) return;
          const code = (err as { statusCode?: number } | null)?.statusCode;
          if (code !== undefined && code !== 410 && code < 500 && code !== 429) {
            return fail(errorFromStatus(code, { message: (err as Error).message }, watchAction));
          }
          // The stream ended (server timeout, network blip, 410 Gone): watch again.
          raw.log?.debug({ name, status: code, expired }, 'kubernetes watch ended; watching again');
          scheduleRewatch(expired || code === 410);
        },
      );
      if (finished) controller.abort();
    };

    void relist();
  });
}
