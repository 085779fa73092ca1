/**
 * `kubectl rollout status deployment/X` over a watch, as kubectl's informer does it: list the
 * Deployment (`fieldSelector=metadata.name=X`), then watch from the LIST's resourceVersion,
 * judging every event with kubectl's DeploymentStatusViewer rules. A watch that ends early is
 * re-opened from the last seen resourceVersion (events and bookmarks move it); an expired one
 * (410 Gone) lists again — never re-watches from the object's own resourceVersion, which on a
 * busy cluster is older than the watch cache and would answer 410 forever — with a doubling
 * backoff while 410s repeat. No polling.
 *
 * One deliberate difference from kubectl: a ProgressDeadlineExceeded condition left over from
 * the rollout before ours is not our rollout's verdict. After an undo the controller observes the
 * new generation and may write status before it re-estimates progress (upstream syncRolloutStatus:
 * neither DeploymentComplete nor DeploymentProgressing holds yet, so DeploymentTimedOut keeps the
 * old TimedOut condition); kubectl then fails at once although the rollback goes on to succeed.
 * A condition is stale when it is the very one (reason and lastUpdateTime) the Deployment carried
 * before our change: given as `staleProgressing`, or seen on the first read while the controller
 * had not yet observed the current generation. The controller must write a new Progressing
 * condition (ReplicaSetUpdated, NewReplicaSetAvailable) before a real new deadline can pass, so
 * a fresh ProgressDeadlineExceeded always has a different lastUpdateTime.
 */
import { type KubeConfig, Watch } from '@kubernetes/client-node';
import { RollbotError } from '../core/errors.js';
import { errorFromStatus, type KubeAction, type KubeStatus } from './errors.js';
import { deploymentPath } from './history.js';
import type { RawKube } from './raw.js';
import type { RawDeployment, RawList } from './types.js';
import { type ConditionStamp, progressingOf, type RolloutCounts, rolloutVerdict } from './verdict.js';

export {
  type ConditionStamp,
  countsOf,
  progressingOf,
  type RolloutCounts,
  type RolloutVerdict,
  rolloutVerdict,
} from './verdict.js';

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
  /** The Progressing condition as it was before the change being waited for (e.g. the undo's). */
  staleProgressing?: ConditionStamp | undefined;
}

export interface WaitResult {
  done: true;
  message: string;
  counts: RolloutCounts;
}

const REWATCH_DELAY_MS = 200;
const MAX_REWATCH_DELAY_MS = 5_000;

/** LIST with a name field selector: the object (if any) and the list's resourceVersion. */
async function listOne(
  raw: RawKube,
  namespace: string,
  name: string,
  signal: AbortSignal | undefined,
): Promise<{ deployment: RawDeployment; resourceVersion: string | undefined }> {
  const action: KubeAction = { verb: 'list', resource: 'deployments', group: 'apps', namespace };
  const list = await raw.request<RawList<RawDeployment>>({
    method: 'GET',
    path: deploymentPath(namespace),
    query: { fieldSelector: `metadata.name=${name}` },
    action,
    ...(signal ? { signal } : {}),
  });
  const deployment = list.items?.find((d) => d.metadata.name === name);
  if (!deployment) {
    throw errorFromStatus(
      404,
      { reason: 'NotFound', message: `deployments.apps "${name}" not found` },
      { ...action, verb: 'get', name },
    );
  }
  return { deployment, resourceVersion: list.metadata?.resourceVersion || undefined };
}

function deadlineExceeded(d: RawDeployment, message: string, counts: RolloutCounts): RollbotError {
  const { name, namespace = 'default' } = d.metadata;
  const deadline = d.spec.progressDeadlineSeconds ?? 600;
  return new RollbotError('upstream_failed', message, {
    hint: `its new pods did not become available within progressDeadlineSeconds (${deadline}s); look at them (kubectl -n ${namespace} describe deployment ${name}; kubectl -n ${namespace} get pods) and roll back or fix the image`,
    details: { reason: 'ProgressDeadlineExceeded', retryable: false, counts },
  });
}

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
    let expiredInARow = 0;
    // Upstream keeps a TimedOut condition until some counter moves; if none moves within the
    // deadline after the controller observed our change, that is our rollout's verdict too.
    let staleTimer: NodeJS.Timeout | undefined;
    let stale = opts.staleProgressing;

    const cleanup = (): void => {
      finished = true;
      clearTimeout(timer);
      clearTimeout(retry);
      clearTimeout(staleTimer);
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
      // The controller has not seen the current spec yet: whatever Progressing says is older.
      if (stale === undefined && (d.metadata.generation ?? 0) > (d.status?.observedGeneration ?? 0))
        stale = progressingOf(d);
      const v = rolloutVerdict(d, stale);
      if (v.state === 'done') {
        cleanup();
        resolve({ done: true, message: v.message, counts: v.counts });
      } else if (v.state === 'failed') {
        fail(deadlineExceeded(d, v.message, v.counts));
      } else {
        if (!v.staleDeadline) {
          clearTimeout(staleTimer);
          staleTimer = undefined;
        } else
          staleTimer ??= setTimeout(
            () => fail(deadlineExceeded(d, `deployment "${name}" exceeded its progress deadline`, v.counts)),
            (d.spec.progressDeadlineSeconds ?? 600) * 1000,
          );
        const line = `${v.message} ${JSON.stringify(v.counts)}`;
        if (line !== lastLine) opts.onProgress?.(v.message, v.counts);
        lastLine = line;
      }
    };

    const relist = async (): Promise<void> => {
      try {
        const { deployment, resourceVersion } = await listOne(raw, namespace, name, opts.signal);
        readOnce = true;
        judge(deployment);
        lastRv = resourceVersion ?? lastRv;
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
      const delay = Math.min(REWATCH_DELAY_MS * 2 ** expiredInARow, MAX_REWATCH_DELAY_MS);
      retry = setTimeout(() => void (fromScratch ? relist() : startWatch()), delay);
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
          if (type !== 'ERROR') expiredInARow = 0;
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
            if (status.code === 410) {
              expired = true;
              expiredInARow++;
            } else fail(errorFromStatus(status.code ?? 500, status, watchAction));
          }
        },
        (err: unknown) => {
          if (finished) return;
          const code = (err as { statusCode?: number } | null)?.statusCode;
          if (code !== undefined && code !== 410 && code < 500 && code !== 429) {
            return fail(errorFromStatus(code, { message: (err as Error).message }, watchAction));
          }
          // The stream ended (server timeout, network blip, 410 Gone): watch again.
          if (code === 410 && !expired) expiredInARow++;
          raw.log?.debug({ name, status: code, expired }, 'kubernetes watch ended; watching again');
          scheduleRewatch(expired || code === 410);
        },
      );
      if (finished) controller.abort();
    };

    void relist();
  });
}
