/**
 * The one place rollbot builds Kubernetes clients. Config comes, in order, from inline YAML, a
 * kubeconfig path, the in-cluster service account, or `loadFromDefault()` (KUBECONFIG,
 * ~/.kube/config, in-cluster) — the same lookup kubectl does.
 */
import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { RollbotError } from '../core/errors.js';
import { RawKube } from './raw.js';

export interface KubeClientOptions {
  kubeconfigPath?: string | undefined;
  kubeconfigYaml?: string | undefined;
  context?: string | undefined;
  inCluster?: boolean | undefined;
  /** Per-request timeout for non-watch calls (default 30 s). */
  requestTimeoutMs?: number | undefined;
}

export interface KubeClients {
  kc: KubeConfig;
  /** Typed clients for callers that only read (typed models drop unknown fields: never write back from them). */
  apps: AppsV1Api;
  core: CoreV1Api;
  /** Raw JSON requests: read-modify-write of pod templates goes through here. */
  raw: RawKube;
}

export function loadKubeConfig(opts: KubeClientOptions = {}): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (opts.kubeconfigYaml !== undefined) kc.loadFromString(opts.kubeconfigYaml);
    else if (opts.kubeconfigPath !== undefined) kc.loadFromFile(opts.kubeconfigPath);
    else if (opts.inCluster) kc.loadFromCluster();
    else kc.loadFromDefault();
  } catch (err) {
    const source =
      opts.kubeconfigPath ??
      (opts.kubeconfigYaml !== undefined
        ? 'inline kubeconfig'
        : opts.inCluster
          ? 'in-cluster config'
          : 'KUBECONFIG / ~/.kube/config');
    throw new RollbotError(
      'config_invalid',
      `cannot load the kubeconfig from ${source}: ${(err as Error).message}`,
      {
        hint: 'pass --kubeconfig PATH, set KUBECONFIG, or run in a pod with a service account',
        cause: err,
      },
    );
  }
  if (opts.context !== undefined) {
    if (!kc.getContextObject(opts.context)) {
      throw new RollbotError('config_invalid', `context "${opts.context}" is not in the kubeconfig`, {
        hint: `known contexts: ${
          kc
            .getContexts()
            .map((c) => c.name)
            .join(', ') || '(none)'
        }`,
      });
    }
    kc.setCurrentContext(opts.context);
  }
  if (!kc.getCurrentCluster()) {
    throw new RollbotError('config_invalid', 'the kubeconfig has no current cluster', {
      hint: 'set current-context in the kubeconfig or pass --context',
    });
  }
  return kc;
}

export function createKubeClients(opts: KubeClientOptions = {}): KubeClients {
  const kc = loadKubeConfig(opts);
  return {
    kc,
    apps: kc.makeApiClient(AppsV1Api),
    core: kc.makeApiClient(CoreV1Api),
    raw: new RawKube(kc, opts.requestTimeoutMs),
  };
}
