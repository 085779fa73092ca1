/**
 * Turns a failed Kubernetes API call into a RollbotError. We classify by HTTP status and by what
 * we asked for (verb, resource, namespace) — never by message substrings; the server's Status
 * message is kept verbatim as a detail for the operator.
 */
import { RollbotError } from '../core/errors.js';

/** What a request was doing, in RBAC terms: enough to tell an operator which grant is missing. */
export interface KubeAction {
  verb: 'get' | 'list' | 'watch' | 'patch';
  /** Plural resource, e.g. `deployments`. */
  resource: string;
  /** API group, e.g. `apps` ('' for the core group). */
  group: string;
  namespace: string;
  name?: string;
}

export interface KubeStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: Record<string, unknown>;
}

export function qualifiedResource(a: KubeAction): string {
  return a.group ? `${a.resource}.${a.group}` : a.resource;
}

function describe(a: KubeAction): string {
  const what = a.name ? `${qualifiedResource(a)} "${a.name}"` : qualifiedResource(a);
  return a.namespace ? `${a.verb} ${what} in namespace "${a.namespace}"` : `${a.verb} ${what}`;
}

/** The user name from a Forbidden Status (`User "…" cannot …`), when the server says it. */
function forbiddenUser(message: string | undefined): string | undefined {
  return message?.match(/User "([^"]+)"/)?.[1];
}

export function errorFromStatus(
  httpStatus: number,
  status: KubeStatus | undefined,
  action: KubeAction,
): RollbotError {
  const serverMessage = status?.message ?? `HTTP ${httpStatus}`;
  const details = { httpStatus, reason: status?.reason, serverMessage, action };
  if (httpStatus === 401) {
    return new RollbotError('unauthorized', `Kubernetes rejected rollbot's credentials (${serverMessage})`, {
      hint: 'check the kubeconfig user / service-account token',
      details,
    });
  }
  if (httpStatus === 403) {
    const user = forbiddenUser(status?.message) ?? "rollbot's identity";
    const rbac = `verbs: ["${action.verb}"], apiGroups: ["${action.group}"], resources: ["${action.resource}"]`;
    return new RollbotError(
      'forbidden',
      `${user} may not ${action.verb} ${qualifiedResource(action)} in namespace "${action.namespace}" (${serverMessage})`,
      {
        hint: `grant it in a Role in namespace "${action.namespace}" (rules: ${rbac}); check with: kubectl auth can-i ${action.verb} ${qualifiedResource(action)} -n ${action.namespace}${user.startsWith('system:') || user.includes(':') ? ` --as ${user}` : ''}`,
        details,
      },
    );
  }
  if (httpStatus === 404) {
    return new RollbotError(
      'not_found',
      `Kubernetes says not found: ${describe(action)} (${serverMessage})`,
      {
        hint: 'check the namespace and name (rollbot <namespace>/<deployment>) and the kube context',
        details,
      },
    );
  }
  if (httpStatus === 409) {
    return new RollbotError('conflict', `conflict on ${describe(action)}: ${serverMessage}`, {
      hint: 'the object changed meanwhile; re-read it and try again',
      details,
    });
  }
  if (httpStatus === 429 || httpStatus >= 500) {
    return new RollbotError(
      'upstream_failed',
      `Kubernetes API failed to ${describe(action)}: ${serverMessage}`,
      {
        hint: 'the API server is unavailable or overloaded; retrying is safe',
        details: { ...details, retryable: true },
      },
    );
  }
  return new RollbotError('bad_input', `Kubernetes refused to ${describe(action)}: ${serverMessage}`, {
    hint: 'the request was rejected as invalid; see the server message',
    details,
  });
}

export function networkError(err: unknown, action: KubeAction, server: string): RollbotError {
  const why = err instanceof Error ? err.message : String(err);
  return new RollbotError(
    'upstream_failed',
    `cannot reach the Kubernetes API at ${server} to ${describe(action)}: ${why}`,
    {
      hint: 'check the cluster address in the kubeconfig and the network; retrying is safe',
      cause: err,
      details: { retryable: true, action },
    },
  );
}
