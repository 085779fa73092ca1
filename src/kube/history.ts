/**
 * A Deployment's rollout history, found exactly as kubectl finds it
 * (kubectl pkg/util/deployment GetAllReplicaSets): list ReplicaSets with the Deployment's selector,
 * keep those whose controller ownerReference is the Deployment, read each revision annotation.
 */
import type { KubeAction } from './errors.js';
import type { RawKube } from './raw.js';
import {
  CHANGE_CAUSE_ANNOTATION,
  type LabelSelector,
  type RawDeployment,
  type RawList,
  type RawPodTemplate,
  type RawReplicaSet,
  REVISION_ANNOTATION,
} from './types.js';

export interface HistoryEntry {
  revision: number;
  changeCause: string | undefined;
  /** Images of the template's containers, in container order. */
  images: string[];
  replicaSetName: string;
  createdAt: string | undefined;
  /** The ReplicaSet's pod template exactly as the server sent it (raw JSON). */
  podTemplate: RawPodTemplate;
  /** The raw ReplicaSet (undo needs its annotations). */
  replicaSet: RawReplicaSet;
}

const LIST_PAGE = 500;

/**
 * metav1.LabelSelectorAsSelector(...).String(): requirements sorted by key, `in`/`notin` values
 * sorted, joined by commas. Empty selector → '' (everything).
 */
export function labelSelectorString(sel: LabelSelector | undefined): string {
  const reqs: { key: string; text: string }[] = [];
  for (const [key, value] of Object.entries(sel?.matchLabels ?? {}))
    reqs.push({ key, text: `${key}=${value}` });
  for (const e of sel?.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort();
    switch (e.operator) {
      case 'In':
        reqs.push({ key: e.key, text: `${e.key} in (${values.join(',')})` });
        break;
      case 'NotIn':
        reqs.push({ key: e.key, text: `${e.key} notin (${values.join(',')})` });
        break;
      case 'Exists':
        reqs.push({ key: e.key, text: e.key });
        break;
      case 'DoesNotExist':
        reqs.push({ key: e.key, text: `!${e.key}` });
        break;
      default:
        throw new Error(`"${e.operator}" is not a valid label selector operator`);
    }
  }
  // Stable sort by key, as labels.ByKey does.
  return reqs
    .map((r, i) => ({ ...r, i }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.i - b.i))
    .map((r) => r.text)
    .join(',');
}

/** deploymentutil.Revision: missing → 0; unparseable → undefined (kubectl skips such ReplicaSets). */
export function revisionOf(obj: { metadata: { annotations?: Record<string, string> } }): number | undefined {
  const raw = obj.metadata.annotations?.[REVISION_ANNOTATION];
  if (raw === undefined) return 0;
  return /^-?\d+$/.test(raw.trim()) ? Number(raw.trim()) : undefined;
}

export function templateImages(template: RawPodTemplate): string[] {
  return (template.spec?.containers ?? []).map((c) => c.image ?? '');
}

/** The tag of an image reference (`repo:tag[@digest]`), or undefined when untagged. */
export function imageTag(image: string): string | undefined {
  const noDigest = image.split('@')[0] ?? '';
  const lastPart = noDigest.slice(noDigest.lastIndexOf('/') + 1);
  const colon = lastPart.lastIndexOf(':');
  return colon >= 0 ? lastPart.slice(colon + 1) : undefined;
}

export function deploymentPath(namespace: string, name?: string): string {
  const base = `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/deployments`;
  return name === undefined ? base : `${base}/${encodeURIComponent(name)}`;
}

export async function readDeployment(
  raw: RawKube,
  namespace: string,
  name: string,
  signal?: AbortSignal,
): Promise<RawDeployment> {
  const action: KubeAction = { verb: 'get', resource: 'deployments', group: 'apps', namespace, name };
  return raw.request<RawDeployment>({
    method: 'GET',
    path: deploymentPath(namespace, name),
    action,
    ...(signal ? { signal } : {}),
  });
}

/** The ReplicaSets the Deployment controls, in list order (all pages). */
export async function listOwnedReplicaSets(
  raw: RawKube,
  deployment: RawDeployment,
): Promise<RawReplicaSet[]> {
  const namespace = deployment.metadata.namespace ?? 'default';
  const action: KubeAction = { verb: 'list', resource: 'replicasets', group: 'apps', namespace };
  const labelSelector = labelSelectorString(deployment.spec.selector);
  const owned: RawReplicaSet[] = [];
  let cont: string | undefined;
  do {
    const page: RawList<RawReplicaSet> = await raw.request({
      method: 'GET',
      path: `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/replicasets`,
      query: { labelSelector: labelSelector || undefined, limit: LIST_PAGE, continue: cont },
      action,
    });
    for (const rs of page.items ?? []) {
      const ref = rs.metadata.ownerReferences?.find((r) => r.controller === true);
      if (ref && ref.uid === deployment.metadata.uid) owned.push(rs);
    }
    cont = page.metadata?.continue || undefined;
  } while (cont);
  return owned;
}

export function toHistoryEntry(rs: RawReplicaSet, revision: number): HistoryEntry {
  return {
    revision,
    changeCause: rs.metadata.annotations?.[CHANGE_CAUSE_ANNOTATION],
    images: templateImages(rs.spec.template),
    replicaSetName: rs.metadata.name,
    createdAt: rs.metadata.creationTimestamp ?? undefined,
    podTemplate: rs.spec.template,
    replicaSet: rs,
  };
}

/** History entries sorted by revision (ReplicaSets with unparseable revisions are skipped, as kubectl does). */
export function historyFromReplicaSets(replicaSets: RawReplicaSet[]): HistoryEntry[] {
  const entries: HistoryEntry[] = [];
  for (const rs of replicaSets) {
    const revision = revisionOf(rs);
    if (revision !== undefined) entries.push(toHistoryEntry(rs, revision));
  }
  return entries.sort((a, b) => a.revision - b.revision);
}

export async function readHistory(
  raw: RawKube,
  namespace: string,
  name: string,
): Promise<{ deployment: RawDeployment; entries: HistoryEntry[] }> {
  const deployment = await readDeployment(raw, namespace, name);
  return { deployment, entries: historyFromReplicaSets(await listOwnedReplicaSets(raw, deployment)) };
}
