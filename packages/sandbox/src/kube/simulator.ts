/**
 * `startKubeSimulator`: a Kubernetes API server on a local port that real clients (kubectl,
 * client-node) cannot tell from a real one for what rollbot does, plus test controls: request
 * log, deploys (`setImage`), image behaviour (`markImage`), `waitForIdle` and fault injection.
 */
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Scenario, ScenarioTiming } from '../scenario/schema.js';
import { Cluster, type ClusterLog, type ImageState } from './cluster.js';
import { Faults } from './faults.js';
import { buildKubeconfig, type KubeconfigOptions } from './kubeconfig.js';
import { clone, CHANGE_CAUSE, isOwnedBy, type KubeObject } from './objects.js';
import { podActive, podReady } from './pods.js';
import type { ApiRequest } from './reads.js';
import { resourceInfo } from './resources.js';
import { seedCluster } from './seed.js';
import { handle, type LoggedRequest } from './server.js';
import { patchObject } from './writes.js';

export interface KubeSimulatorOptions {
  scenario: Scenario;
  host?: string;
  port?: number;
  /** Overrides `scenario.cluster.stepMs` (time for a pod to start, i.e. one rolling step). */
  stepMs?: number;
  /** Overrides parts of `scenario.cluster.timing` (tests that do not depend on delays set them to 0). */
  timing?: Partial<ScenarioTiming>;
  /** Bearer token clients must present (when they present one); default `sandbox-token`. */
  token?: string;
  log?: ClusterLog;
}

/** What the Prometheus simulator and health endpoints need to know about what is serving. */
export interface ServingView {
  /** Images of the Ready pods of a Deployment; undefined when the Deployment does not exist. */
  readyImages(namespace: string, deployment: string): string[] | undefined;
  imageState(image: string): ImageState;
}

export interface KubeSimulator extends ServingView {
  readonly url: string;
  readonly token: string;
  readonly cluster: Cluster;
  readonly faults: Faults;
  /** Every request received, in order (method, path, query, content type, raw body, status). */
  readonly requests: LoggedRequest[];
  clearRequests(): void;
  kubeconfigYaml(opts?: KubeconfigOptions): string;
  writeKubeconfig(path: string, opts?: KubeconfigOptions): Promise<void>;
  /** Does what a deploy does: changes the container image (first container unless named), optionally the change-cause. */
  setImage(
    namespace: string,
    name: string,
    image: string,
    changeCause?: string,
    container?: string,
  ): KubeObject;
  setPaused(namespace: string, name: string, paused: boolean): KubeObject;
  scale(namespace: string, name: string, replicas: number): KubeObject;
  getDeploymentRaw(namespace: string, name: string): KubeObject | undefined;
  listReplicaSetsRaw(namespace: string, deployment: string): KubeObject[];
  listPodsRaw(namespace: string, deployment: string): KubeObject[];
  markImage(image: string, state: ImageState): void;
  /** Resolves once no rollout is in progress (complete, paused or past its deadline). */
  waitForIdle(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

class Simulator implements KubeSimulator {
  readonly faults = new Faults();
  readonly requests: LoggedRequest[] = [];
  url = '';

  constructor(
    readonly cluster: Cluster,
    private readonly server: Server,
    readonly token: string,
  ) {}

  clearRequests(): void {
    this.requests.length = 0;
  }

  kubeconfigYaml(opts?: KubeconfigOptions): string {
    return buildKubeconfig(this.url, this.token, opts);
  }

  async writeKubeconfig(path: string, opts?: KubeconfigOptions): Promise<void> {
    await writeFile(path, this.kubeconfigYaml(opts), { mode: 0o600 });
  }

  /** Applies a merge-style change through the same write path clients use. */
  private patchDeployment(namespace: string, name: string, patch: unknown, strategic = true): KubeObject {
    const info = resourceInfo('apps', 'v1', 'deployments')!;
    const req: ApiRequest = {
      method: 'PATCH',
      info,
      namespace,
      name,
      subresource: undefined,
      query: new URLSearchParams(),
      body: JSON.stringify(patch),
      contentType: strategic ? 'application/strategic-merge-patch+json' : 'application/merge-patch+json',
    };
    return patchObject(this.cluster, req).body as KubeObject;
  }

  setImage(
    namespace: string,
    name: string,
    image: string,
    changeCause?: string,
    container?: string,
  ): KubeObject {
    const d = this.getDeploymentRaw(namespace, name);
    const target = container ?? d?.spec?.template?.spec?.containers?.[0]?.name ?? 'app';
    const patch: Record<string, unknown> = {
      spec: { template: { spec: { containers: [{ name: target, image }] } } },
    };
    if (changeCause !== undefined) patch.metadata = { annotations: { [CHANGE_CAUSE]: changeCause } };
    return this.patchDeployment(namespace, name, patch);
  }

  setPaused(namespace: string, name: string, paused: boolean): KubeObject {
    return this.patchDeployment(namespace, name, { spec: { paused: paused ? true : null } }, false);
  }

  scale(namespace: string, name: string, replicas: number): KubeObject {
    return this.patchDeployment(namespace, name, { spec: { replicas } }, false);
  }

  getDeploymentRaw(namespace: string, name: string): KubeObject | undefined {
    const d = this.cluster.store.get('deployments', namespace, name);
    return d ? clone(d) : undefined;
  }

  listReplicaSetsRaw(namespace: string, deployment: string): KubeObject[] {
    const d = this.cluster.store.get('deployments', namespace, deployment);
    if (!d) return [];
    return this.cluster.store.list('replicasets', namespace).filter((rs) => isOwnedBy(rs, d));
  }

  listPodsRaw(namespace: string, deployment: string): KubeObject[] {
    const rss = this.listReplicaSetsRaw(namespace, deployment);
    return this.cluster.store.list('pods', namespace).filter((p) => rss.some((rs) => isOwnedBy(p, rs)));
  }

  readyImages(namespace: string, deployment: string): string[] | undefined {
    if (!this.cluster.store.get('deployments', namespace, deployment)) return undefined;
    return this.listPodsRaw(namespace, deployment)
      .filter((p) => podReady(p) && podActive(p))
      .flatMap((p) => (p.spec?.containers ?? []).map((c: { image: string }) => c.image));
  }

  imageState(image: string): ImageState {
    return this.cluster.imageState(image);
  }

  markImage(image: string, state: ImageState): void {
    this.cluster.markImage(image, state);
  }

  waitForIdle(timeoutMs?: number): Promise<void> {
    return this.cluster.waitForIdle(timeoutMs);
  }

  async close(): Promise<void> {
    this.cluster.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

export async function startKubeSimulator(opts: KubeSimulatorOptions): Promise<KubeSimulator> {
  const { scenario } = opts;
  const timing = { ...scenario.cluster.timing, ...(opts.timing ?? {}) };
  const cluster = new Cluster({
    stepMs: opts.stepMs ?? scenario.cluster.stepMs,
    timing: {
      controllerDelayMs: timing.controllerDelay,
      podReadyDelayMs: timing.podReadyDelay,
      terminationGraceMs: timing.terminationGrace,
      watchCacheWindowMs: timing.watchCacheWindow,
      bookmarkIntervalMs: timing.bookmarkInterval,
    },
    badImages: scenario.cluster.badImages,
    unreadyImages: scenario.cluster.unreadyImages,
    ...(opts.log ? { log: opts.log } : {}),
  });
  seedCluster(cluster, scenario);
  const server = createServer();
  const sim = new Simulator(cluster, server, opts.token ?? 'sandbox-token');
  const host = opts.host ?? '127.0.0.1';
  server.on('request', (req, res) => {
    void handle(
      {
        cluster,
        faults: sim.faults,
        rbac: scenario.cluster.rbac,
        token: sim.token,
        log: opts.log ?? {},
        requests: sim.requests,
        serverAddress: () => new URL(sim.url).host,
      },
      req,
      res,
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  sim.url = `http://${host}:${address.port}`;
  return sim;
}
