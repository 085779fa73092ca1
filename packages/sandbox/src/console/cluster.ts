/**
 * The console's cluster panel: Deployments as `kubectl get deploy -A` sees them, read through the
 * simulator's real API (with its bearer token, server-side) rather than its internals.
 */
export interface DeploymentRow {
  namespace: string;
  name: string;
  revision: string;
  image: string;
  changeCause: string;
  replicas: number;
  ready: number;
  updated: number;
  available: number;
  /** 'available' | 'progressing' | 'stalled' (ProgressDeadlineExceeded) */
  state: 'available' | 'progressing' | 'stalled';
  message: string;
  /** The scenario's error-ratio metric for it, as Prometheus answers now (when it has one). */
  errorRatio?: number | undefined;
}

/** A scenario metric: a PromQL query and the Deployment (`namespace/name`) it measures. */
export interface DeploymentMetric {
  query: string;
  deployment: string;
}

interface DeploymentObject {
  metadata: { namespace: string; name: string; annotations?: Record<string, string> };
  spec?: { replicas?: number; template?: { spec?: { containers?: { image?: string }[] } } };
  status?: {
    readyReplicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
  };
}

export async function clusterView(
  kube: { url: string; token: string },
  prometheus: { url: string; metrics: DeploymentMetric[] },
): Promise<DeploymentRow[]> {
  const [rows, ratios] = await Promise.all([
    listDeployments(kube.url, kube.token),
    errorRatios(prometheus.url, prometheus.metrics),
  ]);
  return rows.map((r) => ({ ...r, errorRatio: ratios.get(`${r.namespace}/${r.name}`) }));
}

/** Instant queries, one per metric; a metric Prometheus cannot answer is simply left out. */
async function errorRatios(url: string, metrics: DeploymentMetric[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  await Promise.all(
    metrics.map(async (m) => {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(m.query)}`).catch(
        () => undefined,
      );
      if (!res?.ok) return;
      const body = (await res.json()) as { data?: { result?: { value?: [number, string] }[] } };
      const value = Number(body.data?.result?.[0]?.value?.[1]);
      if (Number.isFinite(value)) out.set(m.deployment, value);
    }),
  );
  return out;
}

async function listDeployments(kubeUrl: string, token: string): Promise<DeploymentRow[]> {
  const res = await fetch(`${kubeUrl}/apis/apps/v1/deployments`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!res.ok) throw new Error(`kubernetes API answered ${res.status} to list deployments`);
  const list = (await res.json()) as { items: DeploymentObject[] };
  return list.items
    .map((d) => {
      const status = d.status ?? {};
      const replicas = d.spec?.replicas ?? 1;
      const progressing = status.conditions?.find((c) => c.type === 'Progressing');
      const ready = status.readyReplicas ?? 0;
      const updated = status.updatedReplicas ?? 0;
      const stalled = progressing?.reason === 'ProgressDeadlineExceeded';
      const done = ready >= replicas && updated >= replicas && (status.availableReplicas ?? 0) >= replicas;
      return {
        namespace: d.metadata.namespace,
        name: d.metadata.name,
        revision: d.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? '?',
        image: d.spec?.template?.spec?.containers?.[0]?.image ?? '',
        changeCause: d.metadata.annotations?.['kubernetes.io/change-cause'] ?? '',
        replicas,
        ready,
        updated,
        available: status.availableReplicas ?? 0,
        state: stalled ? 'stalled' : done ? 'available' : 'progressing',
        message: progressing?.message ?? '',
      } satisfies DeploymentRow;
    })
    .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
}
