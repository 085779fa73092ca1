/**
 * Server-side printing (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`): the columns
 * `kubectl get` shows for each kind, with ages formatted like duration.HumanDuration.
 */
import type { KubeObject } from './objects.js';
import { formatLabelSelector } from './selectors.js';
import type { ResourceInfo } from './resources.js';

export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

/** duration.HumanDuration. */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < -1) return '<invalid>';
  if (s < 0) return '0s';
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  if (h < 24 * 8) return h % 24 === 0 ? `${Math.floor(h / 24)}d` : `${Math.floor(h / 24)}d${h % 24}h`;
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24)}d`;
  const y = Math.floor(h / 24 / 365);
  if (h < 24 * 365 * 8) return `${y}y${Math.floor(h / 24) % 365}d`;
  return `${y}y`;
}

interface Column {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

const col = (name: string, type = 'string', priority = 0, format = ''): Column => ({
  name,
  type,
  format,
  description: name,
  priority,
});

const n = (v: unknown): number => (typeof v === 'number' ? v : 0);

function age(obj: KubeObject): string {
  const t = obj.metadata.creationTimestamp ? Date.parse(obj.metadata.creationTimestamp) : Date.now();
  return humanDuration(Date.now() - t);
}

function containers(obj: KubeObject): [string, string] {
  const cs = (obj.spec?.template?.spec?.containers ?? []) as { name: string; image: string }[];
  return [cs.map((c) => c.name).join(','), cs.map((c) => c.image).join(',')];
}

const PRINTERS: Record<string, { columns: Column[]; cells: (o: KubeObject) => unknown[] }> = {
  Deployment: {
    columns: [
      col('Name', 'string', 0, 'name'),
      col('Ready'),
      col('Up-to-date', 'integer'),
      col('Available', 'integer'),
      col('Age'),
      col('Containers', 'string', 1),
      col('Images', 'string', 1),
      col('Selector', 'string', 1),
    ],
    cells: (o) => [
      o.metadata.name,
      `${n(o.status?.readyReplicas)}/${n(o.spec?.replicas)}`,
      n(o.status?.updatedReplicas),
      n(o.status?.availableReplicas),
      age(o),
      ...containers(o),
      formatLabelSelector(o.spec?.selector),
    ],
  },
  ReplicaSet: {
    columns: [
      col('Name', 'string', 0, 'name'),
      col('Desired', 'integer'),
      col('Current', 'integer'),
      col('Ready', 'integer'),
      col('Age'),
      col('Containers', 'string', 1),
      col('Images', 'string', 1),
      col('Selector', 'string', 1),
    ],
    cells: (o) => [
      o.metadata.name,
      n(o.spec?.replicas),
      n(o.status?.replicas),
      n(o.status?.readyReplicas),
      age(o),
      ...containers(o),
      formatLabelSelector(o.spec?.selector),
    ],
  },
  Pod: {
    columns: [
      col('Name', 'string', 0, 'name'),
      col('Ready'),
      col('Status'),
      col('Restarts'),
      col('Age'),
      col('IP', 'string', 1),
      col('Node', 'string', 1),
    ],
    cells: (o) => {
      const statuses = (o.status?.containerStatuses ?? []) as { ready: boolean }[];
      const total = (o.spec?.containers ?? []).length;
      return [
        o.metadata.name,
        `${statuses.filter((s) => s.ready).length}/${total}`,
        o.status?.phase ?? 'Pending',
        '0',
        age(o),
        o.status?.podIP ?? '<none>',
        o.spec?.nodeName ?? '<none>',
      ];
    },
  },
  Namespace: {
    columns: [col('Name', 'string', 0, 'name'), col('Status'), col('Age')],
    cells: (o) => [o.metadata.name, o.status?.phase ?? 'Active', age(o)],
  },
};

export function toTable(
  info: ResourceInfo,
  objects: KubeObject[],
  listMeta: Record<string, unknown>,
): object {
  const printer = PRINTERS[info.kind]!;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: printer.columns,
    rows: objects.map((o) => ({
      cells: printer.cells(o),
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}
