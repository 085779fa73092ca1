/**
 * The simulated cluster: the object store plus the control loops that act on it (Deployment
 * controller, ReplicaSet controller, a kubelet that starts pods one `stepMs` after they are
 * created, garbage collection). Each change schedules one pass of every loop `controllerDelay`
 * later, and a pass that changed something schedules the next: clients see the states between
 * (a new generation observed while the Progressing condition is still the old one, pods Running
 * but not Ready, old pods Terminating), as on a real cluster. With `controllerDelay: 0` the loops
 * run to a fixed point at once (tests that do not depend on the intermediate states).
 */
import { syncDeployments } from './deployment-controller.js';
import { collectGarbage, reconcileReplicaSets, reevaluatePods } from './pods.js';
import { ObjectStore } from './store.js';
import { progressDeadlineAt } from './conditions.js';
import { deploymentComplete } from './conditions.js';

export type ImageState = 'good' | 'bad' | 'unready';

/** pino-compatible (object first, then message). */
export interface ClusterLog {
  debug?(obj: object, msg?: string): void;
  warn?(obj: object, msg?: string): void;
}

export interface ClusterTiming {
  controllerDelayMs: number;
  podReadyDelayMs: number;
  terminationGraceMs: number;
  watchCacheWindowMs: number;
  bookmarkIntervalMs: number;
}

export const NO_DELAYS: ClusterTiming = {
  controllerDelayMs: 0,
  podReadyDelayMs: 0,
  terminationGraceMs: 0,
  watchCacheWindowMs: 75_000,
  bookmarkIntervalMs: 60_000,
};

export interface ClusterOptions {
  stepMs: number;
  timing?: ClusterTiming;
  badImages?: string[];
  unreadyImages?: string[];
  log?: ClusterLog;
}

export class Cluster {
  readonly store: ObjectStore;
  stepMs: number;
  readonly timing: ClusterTiming;
  /** While seeding: pods start at once and loops run only when `runNow` is called. */
  seeding = false;
  readonly log: ClusterLog;
  private readonly images = new Map<string, ImageState>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly deadlineTimers = new Map<string, NodeJS.Timeout>();
  /** Pod uid → when its containers started (the kubelet's view). */
  readonly podStarts = new Map<string, number>();
  private scheduled = false;
  private running = false;
  private closed = false;
  private podIp = 10;

  constructor(opts: ClusterOptions) {
    this.stepMs = opts.stepMs;
    this.timing = opts.timing ?? NO_DELAYS;
    this.store = new ObjectStore(() => this.now(), this.timing.watchCacheWindowMs);
    this.log = opts.log ?? {};
    for (const image of opts.badImages ?? []) this.images.set(image, 'bad');
    for (const image of opts.unreadyImages ?? []) this.images.set(image, 'unready');
  }

  now(): number {
    return Date.now();
  }

  nextPodIp(): string {
    this.podIp++;
    return `10.244.${Math.floor(this.podIp / 250)}.${(this.podIp % 250) + 2}`;
  }

  imageState(image: string): ImageState {
    return this.images.get(image) ?? 'good';
  }

  /** Changes how an image behaves from now on; running pods re-evaluate readiness at once. */
  markImage(image: string, state: ImageState): void {
    this.images.set(image, state);
    reevaluatePods(this);
    this.schedule();
  }

  /** A tracked timer, cleared on close. */
  later(ms: number, fn: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.closed) fn();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  /** Requeues a Deployment at its progress deadline (the controller's requeueAfter). */
  requeueAt(key: string, atMs: number): void {
    const existing = this.deadlineTimers.get(key);
    if (existing) {
      clearTimeout(existing);
      this.timers.delete(existing);
    }
    const timer = this.later(Math.max(0, atMs - this.now()) + 10, () => {
      this.deadlineTimers.delete(key);
      this.schedule();
    });
    this.deadlineTimers.set(key, timer);
  }

  /** Runs one pass of the control loops `controllerDelay` from now (coalesced). */
  schedule(): void {
    if (this.scheduled || this.closed || this.seeding) return;
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      if (this.timing.controllerDelayMs === 0) this.runNow();
      else if (this.runNow(1)) this.schedule();
    };
    if (this.timing.controllerDelayMs === 0) setImmediate(run);
    else this.later(this.timing.controllerDelayMs, run);
  }

  /** Runs the control loops synchronously, up to `passes` times or until nothing changes. */
  runNow(passes = 100): boolean {
    if (this.running || this.closed) return false;
    this.running = true;
    let any = false;
    try {
      for (let i = 0; i < passes; i++) {
        let changed = collectGarbage(this);
        changed = reconcileReplicaSets(this) || changed;
        changed = syncDeployments(this) || changed;
        any ||= changed;
        if (!changed) break;
      }
      for (const d of this.store.peek('deployments')) {
        const at = progressDeadlineAt(d);
        if (at !== undefined) this.requeueAt(`${d.metadata.namespace}/${d.metadata.name}`, at);
      }
    } catch (err) {
      this.log.warn?.({ err: (err as Error).stack ?? String(err) }, 'sandbox controller error');
    } finally {
      this.running = false;
    }
    return any;
  }

  /** True when no rollout is in progress: every Deployment is complete, paused or past its deadline. */
  isIdle(): boolean {
    return this.busyReason() === undefined;
  }

  /** Why the cluster is not idle yet (undefined when it is): named in waitForIdle's timeout. */
  private busyReason(): string | undefined {
    if (this.scheduled || this.running) return 'a controller pass is scheduled or running';
    for (const d of this.store.peek('deployments')) {
      if (d.spec.paused) continue;
      const name = `deployment ${d.metadata.namespace}/${d.metadata.name}`;
      if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
        return `${name}: generation ${d.metadata.generation} not observed (status at ${d.status?.observedGeneration ?? 0})`;
      }
      const progressing = d.status?.conditions?.find((c: { type: string }) => c.type === 'Progressing');
      if (progressing?.reason === 'ProgressDeadlineExceeded') continue;
      if (!deploymentComplete(d, d.status ?? {}))
        return `${name}: rollout not complete (${JSON.stringify(d.status)})`;
      if ((d.status?.replicas ?? 0) !== d.spec.replicas) {
        return `${name}: ${d.status?.replicas ?? 0} replicas, spec wants ${d.spec.replicas}`;
      }
    }
    // Pods still starting or terminating mean a ReplicaSet has not settled either.
    for (const pod of this.store.peek('pods')) {
      if (!this.podStarts.has(pod.metadata.uid!)) return `pod ${pod.metadata.name} has not started`;
      if (pod.metadata.deletionTimestamp) return `pod ${pod.metadata.name} is terminating`;
    }
    return undefined;
  }

  async waitForIdle(timeoutMs = 30_000): Promise<void> {
    const deadline = this.now() + timeoutMs;
    // Two consecutive idle observations, so a change made in the same tick is not missed.
    let idleSeen = 0;
    while (idleSeen < 2) {
      if (this.closed) return;
      if (this.now() > deadline) {
        throw new Error(
          `sandbox cluster not idle after ${timeoutMs} ms: ${this.busyReason() ?? 'idle only just now'}`,
        );
      }
      idleSeen = this.isIdle() ? idleSeen + 1 : 0;
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.deadlineTimers.clear();
  }
}
