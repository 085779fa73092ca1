/**
 * A kubeconfig for the simulator that both kubectl and client-node's `KubeConfig.loadFromFile`
 * accept: plain-HTTP server, `insecure-skip-tls-verify`, a bearer-token user, current-context set.
 */
import { stringify } from 'yaml';

export interface KubeconfigOptions {
  /** Context (and cluster) name; default `rollbot-sandbox`. */
  contextName?: string;
  /** Default namespace of the context. */
  namespace?: string;
  /** Bearer token; default the simulator's token. */
  token?: string;
  /** User name in the kubeconfig; default `rollbot`. */
  userName?: string;
  /**
   * Write `insecure-skip-tls-verify: true` (default). With false the file is what `kubectl proxy`
   * users write: a plain http:// server and no TLS settings at all, which kubectl accepts and
   * client-node 1.4 by itself refuses.
   */
  skipTlsVerify?: boolean;
}

export function buildKubeconfig(server: string, token: string, opts: KubeconfigOptions = {}): string {
  const name = opts.contextName ?? 'rollbot-sandbox';
  const user = opts.userName ?? 'rollbot';
  const context: Record<string, string> = { cluster: name, user };
  if (opts.namespace) context.namespace = opts.namespace;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [
      {
        name,
        cluster: opts.skipTlsVerify === false ? { server } : { server, 'insecure-skip-tls-verify': true },
      },
    ],
    users: [{ name: user, user: { token: opts.token ?? token } }],
    contexts: [{ name, context }],
    'current-context': name,
  });
}
