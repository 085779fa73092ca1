/**
 * Builds the starting cluster from a scenario: namespaces, and per Deployment one ReplicaSet per
 * `history` entry in order (revisions 1…N, as N successive deploys would have left them), the
 * last one fully rolled out with Ready pods, older ones scaled to 0, history pruned to
 * revisionHistoryLimit. A repeated image re-uses its ReplicaSet, as a rollback would. With
 * `lastRollout: stuck` the last revision is then rolled out by the controller itself, as far as
 * the strategy lets unready pods go, and its Progressing condition is set to what the controller
 * writes at the deadline (ProgressDeadlineExceeded).
 */
import type { Scenario, ScenarioDeployment } from '../scenario/schema.js';
import type { Cluster } from './cluster.js';
import { defaultDeployment, defaultPodTemplate } from './defaults.js';
import { setNewReplicaSetAnnotations } from './deployment-controller.js';
import {
  CHANGE_CAUSE,
  clone,
  computeTemplateHash,
  newControllerRef,
  POD_TEMPLATE_HASH,
  REVISION,
  type KubeObject,
} from './objects.js';
import { SandboxError } from '../errors.js';
import { newCondition, REASONS, removeCondition, setCondition } from './conditions.js';
import { createPod } from './pods.js';
import { maxSurge } from './rolling.js';

const HOUR = 3_600_000;

export function namespaceObject(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

/** The pod template of one revision, defaulted as the apiserver stores it. */
export function templateFor(sd: ScenarioDeployment, image: string): Record<string, unknown> {
  const labels = podLabels(sd);
  const container: Record<string, unknown> = { name: sd.containerName, image };
  if (sd.containerPort !== undefined)
    container.ports = [{ containerPort: sd.containerPort, protocol: 'TCP' }];
  const template = {
    metadata: { labels },
    spec: {
      containers: [...(sd.sidecars ?? []).map((s) => ({ name: s.name, image: s.image })), container],
      ...clone(sd.extraTemplateSpec ?? {}),
    },
  };
  defaultPodTemplate(template);
  return template;
}

function podLabels(sd: ScenarioDeployment): Record<string, string> {
  return Object.keys(sd.labels).length > 0 ? { ...sd.labels } : { app: sd.name };
}

function seedDeployment(c: Cluster, sd: ScenarioDeployment): void {
  const now = c.now();
  const history = sd.lastRollout === 'stuck' ? sd.history.slice(0, -1) : sd.history;
  if (history.length === 0)
    throw new SandboxError(
      'bad_scenario',
      `deployment ${sd.namespace}/${sd.name}: lastRollout: stuck needs at least two history entries`,
      { hint: 'add the revision that ran before the stuck one' },
    );
  const n = history.length;
  const last = history[n - 1]!;
  const annotations: Record<string, string> = { ...sd.metadata?.annotations, [REVISION]: String(n) };
  if (last.changeCause) annotations[CHANGE_CAUSE] = last.changeCause;
  const d: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: sd.name,
      namespace: sd.namespace,
      labels: { ...sd.metadata?.labels, ...podLabels(sd) },
      annotations,
      generation: n,
      creationTimestamp: new Date(now - (n + 1) * HOUR).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    },
    spec: {
      replicas: sd.replicas,
      selector: { matchLabels: podLabels(sd) },
      template: templateFor(sd, last.image),
      revisionHistoryLimit: sd.revisionHistoryLimit,
      progressDeadlineSeconds: sd.progressDeadlineSeconds,
      ...(sd.strategy ? { strategy: clone(sd.strategy) } : {}),
    },
  };
  defaultDeployment(d);
  const deployment = c.store.create('deployments', d, now);

  // One ReplicaSet per distinct template; a repeated image is a rollback to the earlier one.
  const byHash = new Map<string, KubeObject>();
  history.forEach((entry, i) => {
    const template = templateFor(sd, entry.image);
    const hash = computeTemplateHash(template);
    // The controller copies the Deployment's own annotations onto its ReplicaSets (sync.go), so a
    // tracking-id lands on them too: Argo CD tells them apart by the kind/name inside the id.
    const rsAnnotations: Record<string, string> = { ...sd.metadata?.annotations };
    if (entry.changeCause) rsAnnotations[CHANGE_CAUSE] = entry.changeCause;
    const asDeployedThen = {
      ...deployment,
      metadata: { ...deployment.metadata, annotations: rsAnnotations },
    };
    let rs = byHash.get(hash);
    if (!rs) {
      const withHash = clone(template) as KubeObject;
      withHash.metadata.labels = { ...withHash.metadata.labels, [POD_TEMPLATE_HASH]: hash };
      rs = {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: `${sd.name}-${hash}`,
          namespace: sd.namespace,
          labels: { ...withHash.metadata.labels },
          annotations: {},
          ownerReferences: [newControllerRef(deployment, 'apps/v1', 'Deployment')],
          generation: 1,
          creationTimestamp: new Date(now - (n - i) * HOUR).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        },
        spec: {
          replicas: 0,
          selector: { matchLabels: { ...podLabels(sd), [POD_TEMPLATE_HASH]: hash } },
          template: withHash,
        },
        status: { replicas: 0 },
      };
      byHash.set(hash, rs);
      setNewReplicaSetAnnotations(asDeployedThen, rs, i + 1, false);
    } else {
      setNewReplicaSetAnnotations(asDeployedThen, rs, i + 1, true);
    }
  });
  const current = byHash.get(computeTemplateHash(templateFor(sd, last.image)))!;
  current.spec.replicas = sd.replicas;
  current.metadata.annotations![`deployment.kubernetes.io/desired-replicas`] = String(sd.replicas);
  current.metadata.annotations![`deployment.kubernetes.io/max-replicas`] = String(
    sd.replicas + maxSurge(deployment),
  );
  for (const rs of byHash.values()) {
    const created = c.store.create('replicasets', rs, now);
    if (rs === current) for (let i = 0; i < sd.replicas; i++) createPod(c, created, true);
  }
}

/** The deploy of the stuck revision, then the controller's own rollout of it, then its deadline. */
function seedStuckRollout(c: Cluster, sd: ScenarioDeployment): void {
  const last = sd.history[sd.history.length - 1]!;
  const d = c.store.get('deployments', sd.namespace, sd.name)!;
  d.spec.template = templateFor(sd, last.image);
  d.metadata.annotations ??= {};
  if (last.changeCause) d.metadata.annotations[CHANGE_CAUSE] = last.changeCause;
  else delete d.metadata.annotations[CHANGE_CAUSE];
  d.metadata.generation = (d.metadata.generation ?? 1) + 1;
  c.store.update('deployments', d);
  c.runNow();
  const rolled = c.store.get('deployments', sd.namespace, sd.name)!;
  const newRS = c.store
    .listControlledBy('replicasets', sd.namespace, rolled.metadata.uid)
    .find((rs) => rs.metadata.annotations?.[REVISION] === rolled.metadata.annotations?.[REVISION]);
  // The deadline passed a minute ago: lastUpdateTime is when the controller noticed.
  const at = c.now() - 60_000;
  const what = newRS ? `ReplicaSet "${newRS.metadata.name}"` : `Deployment "${sd.name}"`;
  rolled.status ??= {};
  removeCondition(rolled.status, 'Progressing');
  setCondition(
    rolled.status,
    newCondition('Progressing', 'False', REASONS.timedOut, `${what} has timed out progressing.`, at),
  );
  c.store.update('deployments', rolled);
}

/** Fills an empty cluster from the scenario and runs the controllers once so status is settled. */
export function seedCluster(c: Cluster, scenario: Scenario): void {
  c.seeding = true;
  try {
    const namespaces = new Set<string>(['default', ...scenario.cluster.namespaces]);
    for (const sd of scenario.cluster.deployments) namespaces.add(sd.namespace);
    for (const ns of [...namespaces].sort()) c.store.create('namespaces', namespaceObject(ns));
    for (const sd of scenario.cluster.deployments) seedDeployment(c, sd);
    c.runNow();
    for (const sd of scenario.cluster.deployments) if (sd.lastRollout === 'stuck') seedStuckRollout(c, sd);
  } finally {
    c.seeding = false;
  }
}
