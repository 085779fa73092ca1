/**
 * The ReplicaSet controller (pods up/down to `spec.replicas`, status counters over active pods),
 * a kubelet that starts a pod `stepMs` after creation and reports it Ready `podReadyDelay` later
 * unless its image is marked unready, graceful termination (a scaled-away pod is Terminating for
 * `terminationGrace`, no longer counted by its ReplicaSet, then gone), and background garbage
 * collection of objects whose controller owner is gone.
 */
import type { Cluster } from './cluster.js';
import {
  clone,
  controllerRef,
  deepEqual,
  isOwnedBy,
  newControllerRef,
  randomSuffix,
  rfc3339,
  type KubeObject,
} from './objects.js';

function containerImages(pod: KubeObject): string[] {
  return ((pod.spec?.containers ?? []) as { image: string }[]).map((c) => c.image);
}

/** controller.IsPodActive: not terminating (and not finished). */
export function podActive(pod: KubeObject): boolean {
  return !pod.metadata.deletionTimestamp;
}

export function podReady(pod: KubeObject): boolean {
  return (pod.status?.conditions ?? []).some(
    (c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True',
  );
}

function readySinceMs(pod: KubeObject): number {
  const c = (pod.status?.conditions ?? []).find((x: { type: string }) => x.type === 'Ready');
  return c ? Date.parse(c.lastTransitionTime) : 0;
}

function newPod(c: Cluster, rs: KubeObject): KubeObject {
  const template = clone(rs.spec.template ?? {});
  const nowIso = rfc3339(c.now());
  const spec = { ...(template.spec ?? {}) };
  spec.serviceAccountName ??= 'default';
  spec.serviceAccount ??= spec.serviceAccountName;
  spec.nodeName = 'sandbox-node-1';
  spec.enableServiceLinks ??= true;
  spec.priority ??= 0;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  spec.tolerations ??= [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    {
      key: 'node.kubernetes.io/unreachable',
      operator: 'Exists',
      effect: 'NoExecute',
      tolerationSeconds: 300,
    },
  ];
  const metadata: KubeObject['metadata'] = {
    name: `${rs.metadata.name}-${randomSuffix()}`,
    generateName: `${rs.metadata.name}-`,
    namespace: rs.metadata.namespace,
    labels: { ...(template.metadata?.labels ?? {}) },
    ownerReferences: [newControllerRef(rs, 'apps/v1', 'ReplicaSet')],
  };
  if (template.metadata?.annotations) metadata.annotations = { ...template.metadata.annotations };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata,
    spec,
    status: {
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: nowIso }],
      qosClass: 'BestEffort',
    },
  };
}

/** The status a started pod reports, given how its images behave now. */
function runningStatus(c: Cluster, pod: KubeObject, startedMs: number): Record<string, unknown> {
  const probed = c.now() >= startedMs + c.timing.podReadyDelayMs;
  const ready = probed && containerImages(pod).every((image) => c.imageState(image) !== 'unready');
  const started = rfc3339(startedMs);
  const previous = (pod.status?.conditions ?? []) as {
    type: string;
    status: string;
    lastTransitionTime: string;
  }[];
  const cond = (type: string, status: boolean) => {
    const s = status ? 'True' : 'False';
    const prev = previous.find((p) => p.type === type);
    const lastTransitionTime = prev && prev.status === s ? prev.lastTransitionTime : rfc3339(c.now());
    return { type, status: s, lastProbeTime: null, lastTransitionTime };
  };
  return {
    phase: 'Running',
    conditions: [
      cond('PodReadyToStartContainers', true),
      cond('Initialized', true),
      cond('Ready', ready),
      cond('ContainersReady', ready),
      cond('PodScheduled', true),
    ],
    hostIP: '172.18.0.2',
    hostIPs: [{ ip: '172.18.0.2' }],
    podIP: pod.status?.podIP ?? c.nextPodIp(),
    startTime: started,
    containerStatuses: ((pod.spec?.containers ?? []) as { name: string; image: string }[]).map((ct) => ({
      name: ct.name,
      state: { running: { startedAt: started } },
      lastState: {},
      ready,
      restartCount: 0,
      image: ct.image,
      imageID: `${ct.image.split(':')[0]}@sha256:${Buffer.from(ct.image).toString('hex').padEnd(64, '0').slice(0, 64)}`,
      containerID: `containerd://${pod.metadata.uid!.replace(/-/g, '')}`,
      started: true,
    })),
    qosClass: 'BestEffort',
  };
}

function startPod(c: Cluster, namespace: string, name: string, uid: string): void {
  const pod = c.store.get('pods', namespace, name);
  if (!pod || pod.metadata.uid !== uid) return;
  // Seeded pods have been running a while: their readiness probe has passed already.
  const startedMs = c.seeding ? c.now() - c.timing.podReadyDelayMs : c.now();
  c.podStarts.set(uid, startedMs);
  pod.status = { ...pod.status, ...runningStatus(c, pod, startedMs) };
  c.store.update('pods', pod);
  c.schedule();
  // The readiness probe's first success (kubelet prober): the pod turns Ready then.
  if (c.timing.podReadyDelayMs > 0 && !c.seeding) armReadinessProbe(c, startedMs + c.timing.podReadyDelayMs);
}

/**
 * Re-evaluates pods once `dueMs` (Date.now time) has passed. Node's timers run on the event
 * loop's cached monotonic clock and may fire a millisecond before Date.now() reaches the due time;
 * the pod would then still read as unprobed and, with nothing else scheduled, never turn Ready
 * (a rollout stuck at one unavailable pod, seen under load). So the probe re-arms until it is due.
 */
function armReadinessProbe(c: Cluster, dueMs: number): void {
  c.later(Math.max(1, dueMs - c.now()), () => {
    if (c.now() < dueMs) armReadinessProbe(c, dueMs);
    else reevaluatePods(c);
  });
}

/** Creates a pod for a ReplicaSet; `startNow` is for seeding a world that is already running. */
export function createPod(c: Cluster, rs: KubeObject, startNow = false): void {
  const pod = c.store.create('pods', newPod(c, rs), c.now());
  const { namespace, name, uid } = pod.metadata as { namespace: string; name: string; uid: string };
  if (startNow || c.seeding) startPod(c, namespace, name, uid);
  else c.later(c.stepMs, () => startPod(c, namespace, name, uid));
}

/** After an image is re-marked, started pods running it report their new readiness. */
export function reevaluatePods(c: Cluster): void {
  let changed = false;
  for (const pod of c.store.list('pods')) {
    const startedMs = c.podStarts.get(pod.metadata.uid!);
    if (startedMs === undefined || pod.metadata.deletionTimestamp) continue;
    const status = { ...pod.status, ...runningStatus(c, pod, startedMs) };
    if (!deepEqual(status, pod.status)) {
      c.store.update('pods', { ...pod, status });
      changed = true;
    }
  }
  if (changed) c.schedule();
}

/** controller.ActivePods ordering for scale-down: not started, then not ready, then newest. */
function deletionRank(c: Cluster, pod: KubeObject): [number, number, number] {
  const started = c.podStarts.has(pod.metadata.uid!) ? 1 : 0;
  const ready = podReady(pod) ? 1 : 0;
  return [started, ready, -Date.parse(pod.metadata.creationTimestamp ?? '')];
}

function deletePod(c: Cluster, pod: KubeObject): void {
  c.store.delete('pods', pod.metadata.namespace, pod.metadata.name);
  c.podStarts.delete(pod.metadata.uid!);
}

/**
 * Graceful deletion: the pod gets deletionTimestamp (now + its grace period, as the apiserver
 * sets it) and stays, Terminating, until its app has shut down (`terminationGrace`), then goes.
 */
export function terminatePod(c: Cluster, pod: KubeObject): void {
  const graceMs = c.timing.terminationGraceMs;
  if (graceMs === 0 || c.seeding || !c.podStarts.has(pod.metadata.uid!)) return deletePod(c, pod);
  const seconds = (pod.spec?.terminationGracePeriodSeconds as number | undefined) ?? 30;
  const copy = clone(pod);
  copy.metadata.deletionTimestamp = rfc3339(c.now() + seconds * 1000);
  copy.metadata.deletionGracePeriodSeconds = seconds;
  c.store.update('pods', copy);
  const { namespace, name, uid } = copy.metadata as { namespace: string; name: string; uid: string };
  c.later(Math.min(graceMs, seconds * 1000), () => {
    const now = c.store.get('pods', namespace, name);
    if (now?.metadata.uid !== uid) return;
    deletePod(c, now);
    c.schedule();
  });
}

export function reconcileReplicaSets(c: Cluster): boolean {
  let changed = false;
  const allPods = c.store.list('pods');
  for (const rs of c.store.list('replicasets')) {
    const active = (list: KubeObject[]) => list.filter(podActive);
    let pods = active(
      allPods.filter((p) => p.metadata.namespace === rs.metadata.namespace && isOwnedBy(p, rs)),
    );
    const want = (rs.spec?.replicas as number | undefined) ?? 0;
    if (pods.length < want) {
      for (let i = pods.length; i < want; i++) createPod(c, rs);
      changed = true;
      pods = active(c.store.listControlledBy('pods', rs.metadata.namespace, rs.metadata.uid));
    } else if (pods.length > want) {
      const ranked = [...pods].sort((a, b) => {
        const ra = deletionRank(c, a);
        const rb = deletionRank(c, b);
        return ra[0] - rb[0] || ra[1] - rb[1] || ra[2] - rb[2];
      });
      for (const pod of ranked.slice(0, pods.length - want)) terminatePod(c, pod);
      changed = true;
      pods = active(c.store.listControlledBy('pods', rs.metadata.namespace, rs.metadata.uid));
    }
    const minReadyMs = ((rs.spec?.minReadySeconds as number | undefined) ?? 0) * 1000;
    const ready = pods.filter(podReady);
    const available = ready.filter((p) => readySinceMs(p) + minReadyMs <= c.now());
    if (available.length < ready.length) c.later(minReadyMs, () => c.schedule());
    const status: Record<string, unknown> = { replicas: pods.length };
    if (pods.length) status.fullyLabeledReplicas = pods.length;
    if (ready.length) status.readyReplicas = ready.length;
    if (available.length) status.availableReplicas = available.length;
    status.observedGeneration = rs.metadata.generation;
    if (!deepEqual(status, rs.status)) {
      c.store.update('replicasets', { ...rs, status });
      changed = true;
    }
  }
  return changed;
}

/** Background cascading deletion: dependents whose controller owner no longer exists. */
export function collectGarbage(c: Cluster): boolean {
  let changed = false;
  const deploymentUids = new Set(c.store.peek('deployments').map((d) => d.metadata.uid));
  for (const rs of c.store.peek('replicasets')) {
    const ref = controllerRef(rs);
    if (ref?.kind === 'Deployment' && !deploymentUids.has(ref.uid)) {
      c.store.delete('replicasets', rs.metadata.namespace, rs.metadata.name);
      changed = true;
    }
  }
  const rsUids = new Set(c.store.peek('replicasets').map((rs) => rs.metadata.uid));
  for (const pod of c.store.peek('pods')) {
    const ref = controllerRef(pod);
    if (ref?.kind === 'ReplicaSet' && !rsUids.has(ref.uid)) {
      deletePod(c, clone(pod));
      changed = true;
    }
  }
  return changed;
}
