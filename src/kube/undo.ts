/**
 * `kubectl rollout undo`, step for step (kubectl rollback.go DeploymentRollbacker), plus what
 * kubectl lacks: a JSON-patch `test` on the resourceVersion so a deploy racing the undo makes the
 * server reject the PATCH instead of being silently overwritten.
 *
 * Idempotent by construction: when the Deployment already runs the target template the answer is
 * "skipped" — a resumed step converges instead of failing or flipping back.
 *
 * The precondition guards what the approval was about — the pod template and the annotations —
 * not status: status writes (a pod turning Ready, the controller's own sync) and `/scale` writes
 * (an HPA) move resourceVersion too. When the `test` fails, the Deployment is re-read; if template
 * and annotations are what the patch was built against, the patch is rebuilt on the fresh
 * resourceVersion and sent again (bounded); only a real change is `stale_plan`.
 */
import { RollbotError } from '../core/errors.js';
import { deploymentPath, readDeployment } from './history.js';
import { type UndoPlan, type UndoTarget, fingerprintOf, planUndo } from './plan.js';
import type { RawKube } from './raw.js';
import { templateHash, templatesEqualIgnoringHash, withoutHashLabel } from './template.js';
import { type ConditionStamp, progressingOf } from './verdict.js';
import type { RawDeployment } from './types.js';

/** Deployment annotations an undo keeps from the Deployment, never takes from the ReplicaSet. */
export const ANNOTATIONS_TO_SKIP = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  'deployment.kubernetes.io/revision',
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
]);

export const PAUSED_MESSAGE =
  "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again";

export interface UndoOptions {
  /** Server-side dry run (`?dryRun=All`): validated and defaulted by the server, nothing stored. */
  dryRun?: boolean | undefined;
  /** Add the resourceVersion `test` op (default true). */
  precondition?: boolean | undefined;
}

export type JsonPatchOp =
  { op: 'test'; path: string; value: unknown } | { op: 'replace'; path: string; value: unknown };

export interface UndoResult {
  result: 'rolled back' | 'skipped' | 'dry run';
  /** kubectl's line, e.g. `deployment.apps/payments-api rolled back`. */
  message: string;
  /** The JSON patch sent (empty when skipped). */
  patch: JsonPatchOp[];
  /** The revision rolled back to. */
  revision: number;
  plan: UndoPlan;
  /**
   * The Progressing condition before the PATCH: after an undo the controller may briefly keep the
   * old rollout's ProgressDeadlineExceeded, and the wait must not take it for ours.
   */
  progressingBefore?: ConditionStamp | undefined;
}

/** Attempts of the precondition when only status (not template or annotations) moved meanwhile. */
const PRECONDITION_ATTEMPTS = 5;

/** kubectl's patch body for `plan`'s target, against the Deployment `d` as read just now. */
export function buildUndoPatch(plan: UndoPlan, d: RawDeployment, precondition: boolean): JsonPatchOp[] {
  if (!plan.target) throw new Error('buildUndoPatch: plan has no target');
  const annotations: Record<string, string> = {};
  const own = d.metadata.annotations ?? {};
  for (const k of ANNOTATIONS_TO_SKIP) if (k in own) annotations[k] = own[k]!;
  for (const [k, v] of Object.entries(plan.target.annotations))
    if (!ANNOTATIONS_TO_SKIP.has(k)) annotations[k] = v;
  const ops: JsonPatchOp[] = [
    { op: 'replace', path: '/spec/template', value: withoutHashLabel(plan.target.podTemplate) },
    { op: 'replace', path: '/metadata/annotations', value: annotations },
  ];
  if (precondition)
    ops.unshift({ op: 'test', path: '/metadata/resourceVersion', value: d.metadata.resourceVersion });
  return ops;
}

/** Sends the undo PATCH. A rejected `test` op (409/422 after a concurrent change) becomes `stale_plan`. */
export async function sendUndoPatch(
  raw: RawKube,
  plan: UndoPlan,
  patch: JsonPatchOp[],
  dryRun: boolean,
): Promise<RawDeployment> {
  try {
    return await trySendUndoPatch(raw, plan, patch, dryRun);
  } catch (err) {
    if (err instanceof PreconditionFailed) throw stale(plan, err.now, err.original);
    throw err;
  }
}

/** As sendUndoPatch, but a failed precondition is a PreconditionFailed carrying the fresh read. */
async function trySendUndoPatch(
  raw: RawKube,
  plan: UndoPlan,
  patch: JsonPatchOp[],
  dryRun: boolean,
): Promise<RawDeployment> {
  const { namespace, deployment: name } = plan;
  try {
    return await raw.request<RawDeployment>({
      method: 'PATCH',
      path: deploymentPath(namespace, name),
      query: { dryRun: dryRun ? 'All' : undefined },
      body: patch,
      contentType: 'application/json-patch+json',
      action: { verb: 'patch', resource: 'deployments', group: 'apps', namespace, name },
    });
  } catch (err) {
    const status =
      err instanceof RollbotError ? (err.details?.['httpStatus'] as number | undefined) : undefined;
    const test = patch.find((op) => op.op === 'test');
    if (test && (status === 409 || status === 422)) {
      // Confirm by re-reading rather than by parsing the server's message.
      const now = await readDeployment(raw, namespace, name);
      if (now.metadata.resourceVersion !== test.value) throw new PreconditionFailed(now, err);
    }
    throw err;
  }
}

/** The resourceVersion `test` failed; `now` is the Deployment as re-read. */
class PreconditionFailed extends Error {
  constructor(
    readonly now: RawDeployment,
    readonly original: unknown,
  ) {
    super('resourceVersion precondition failed');
  }
}

/** What the approval covers: the template and annotations (not status, not replicas). */
function guarded(d: RawDeployment): string {
  return JSON.stringify([
    d.metadata.uid,
    templateHash(d.spec.template),
    Object.entries(d.metadata.annotations ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)),
  ]);
}

function stale(plan: UndoPlan, now: RawDeployment, cause?: unknown): RollbotError {
  return new RollbotError(
    'stale_plan',
    `deployment "${plan.deployment}" changed since the rollback was planned (now revision ${now.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? '?'}, images ${(now.spec.template.spec?.containers ?? []).map((c) => c.image).join(', ')}); nothing was changed`,
    {
      hint: 'someone deployed meanwhile: review the new state and plan the rollback again',
      cause,
      details: { planned: plan.fingerprint, now: fingerprintOf(now) },
    },
  );
}

function isPlan(x: UndoPlan | (UndoTarget & { namespace: string; name: string })): x is UndoPlan {
  return 'fingerprint' in x;
}

/**
 * Rolls back per `planOrArgs`. Given a plan (e.g. the approved one), the Deployment must still run
 * the template the plan saw — else `stale_plan` — unless it already runs the target ("skipped").
 */
export async function rolloutUndo(
  raw: RawKube,
  planOrArgs: UndoPlan | (UndoTarget & { namespace: string; name: string }),
  opts: UndoOptions = {},
): Promise<UndoResult> {
  const plan = isPlan(planOrArgs)
    ? planOrArgs
    : await planUndo(raw, planOrArgs.namespace, planOrArgs.name, planOrArgs);
  const ref = `deployment.apps/${plan.deployment}`;
  const dry = opts.dryRun ? ' (server dry run)' : '';
  if (!plan.target) {
    throw new RollbotError(
      'not_found',
      plan.targetMissingReason ?? `no rollback target for deployment "${plan.deployment}"`,
      {
        hint: `list what can be restored with: rollbot history ${plan.namespace}/${plan.deployment}`,
      },
    );
  }
  let d = await readDeployment(raw, plan.namespace, plan.deployment);
  if (d.metadata.uid !== plan.deploymentUid) {
    throw stale(plan, d);
  }
  if (d.spec.paused) {
    throw new RollbotError('conflict', PAUSED_MESSAGE, {
      hint: `someone paused deployment "${plan.deployment}" on purpose; ask before resuming (kubectl rollout resume deployment/${plan.deployment} -n ${plan.namespace})`,
    });
  }
  const target = plan.target;
  if (templatesEqualIgnoringHash(target.podTemplate, d.spec.template)) {
    const message = `${ref} skipped rollback (current template already matches revision ${target.revision})${dry}`;
    return { result: 'skipped', message, patch: [], revision: target.revision, plan };
  }
  // The template changed since the plan (a deploy): the approved plan is no longer what would run.
  // Status-only changes (rollout progress) bump resourceVersion but do not make the plan stale.
  if (fingerprintOf(d) !== plan.fingerprint) throw stale(plan, d);
  const progressingBefore = progressingOf(d);
  let patch = buildUndoPatch(plan, d, opts.precondition !== false);
  for (let attempt = 1; ; attempt++) {
    try {
      await trySendUndoPatch(raw, plan, patch, opts.dryRun === true);
      break;
    } catch (err) {
      if (!(err instanceof PreconditionFailed)) throw err;
      // Only status or replicas moved: the same patch on the fresh version is what was approved.
      if (guarded(err.now) !== guarded(d) || attempt >= PRECONDITION_ATTEMPTS)
        throw stale(plan, err.now, err.original);
      d = err.now;
      patch = buildUndoPatch(plan, d, true);
    }
  }
  const result = { patch, revision: target.revision, plan, progressingBefore };
  return opts.dryRun
    ? { ...result, result: 'dry run', message: `${ref} rolled back${dry}` }
    : { ...result, result: 'rolled back', message: `${ref} rolled back` };
}
