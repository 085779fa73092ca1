/**
 * The one place rollbot builds its Kubernetes client. Config comes, in order, from inline YAML, a
 * kubeconfig path, the in-cluster service account, or `loadFromDefault()` (KUBECONFIG,
 * ~/.kube/config, in-cluster) — the same lookup kubectl does. Every request and watch is logged
 * (debug: method, path, status, ms), as kubectl's `-v=6` does.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { RollbotError } from '../core/errors.js';
import type { Logger } from '../log/logger.js';
import { RawKube } from './raw.js';

export interface KubeClientOptions {
  kubeconfigPath?: string | undefined;
  kubeconfigYaml?: string | undefined;
  context?: string | undefined;
  inCluster?: boolean | undefined;
  /** Per-request timeout for non-watch calls (default 30 s). */
  requestTimeoutMs?: number | undefined;
  /** Where request lines go (debug level); none: not logged. */
  log?: Logger | undefined;
}

export interface KubeClients {
  /** For watches (client-node's Watch applies its credentials and TLS). */
  kc: KubeConfig;
  /** Raw JSON requests: typed models drop unknown fields, so every read and write goes through here. */
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
  allowPlainHttp(kc);
  return kc;
}

/**
 * `server: http://…` (what `kubectl proxy` serves) works in kubectl: with plain HTTP there is no
 * certificate to verify, so the TLS settings are simply unused. client-node 1.4 instead refuses
 * the cluster unless `insecure-skip-tls-verify` is set ("HTTP protocol is not allowed when
 * skipTLSVerify is not set or false", config.js createAgent). For an http:// server that flag
 * changes nothing but which agent client-node builds, so set it; https:// servers are untouched.
 */
function allowPlainHttp(kc: KubeConfig): void {
  kc.clusters = kc.clusters.map((c) =>
    /^http:\/\//i.test(c.server) && !c.skipTLSVerify ? { ...c, skipTLSVerify: true } : c,
  );
}

/**
 * client-node's `loadFromDefault()` invents a config when it finds none at all (no KUBECONFIG, no
 * ~/.kube/config, no service account): cluster "cluster" at http://localhost:8080, user "user",
 * context "loaded-context" (config.js `loadFromDefault` → `loadFromClusterAndUser`). Every call
 * then fails with a puzzling TLS message; recognise that shape so each call says what is missing.
 */
function noConfigFound(kc: KubeConfig, opts: KubeClientOptions): RollbotError | undefined {
  if (opts.kubeconfigYaml !== undefined || opts.kubeconfigPath !== undefined || opts.inCluster)
    return undefined;
  const [cluster, ...more] = kc.clusters;
  const invented =
    more.length === 0 &&
    cluster?.name === 'cluster' &&
    cluster.server === 'http://localhost:8080' &&
    kc.users.length === 1 &&
    kc.users[0]?.name === 'user' &&
    kc.currentContext === 'loaded-context';
  if (!invented) return undefined;
  return new RollbotError(
    'config_invalid',
    'no Kubernetes configuration has been provided: KUBECONFIG is unset, ~/.kube/config does not exist and rollbot is not running in a pod',
    {
      // kubectl's own words for this case ("no configuration has been provided"), and the fix.
      hint: 'try setting KUBECONFIG to your kubeconfig file (or pass --kubeconfig, and KUBE_CONTEXT / --context for the context), as for kubectl; in a cluster, run rollbot with its service account (deploy/)',
    },
  );
}

export function createKubeClients(opts: KubeClientOptions = {}): KubeClients {
  const kc = loadKubeConfig(opts);
  return {
    kc,
    raw: new RawKube(
      kc,
      opts.requestTimeoutMs,
      opts.log?.child({ component: 'kube' }),
      noConfigFound(kc, opts),
    ),
  };
}
