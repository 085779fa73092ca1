/**
 * Authorization for the scenario's `rbac` block: absent = everything allowed; present = only the
 * verbs/resources/namespaces the rules grant, with the RBAC authorizer's Forbidden message.
 */
import type { Scenario } from '../scenario/schema.js';
import { forbidden, type GroupResource } from './status.js';

export type Rbac = NonNullable<Scenario['cluster']['rbac']>;

export interface AccessRequest extends GroupResource {
  verb: string;
  subresource?: string | undefined;
  namespace?: string | undefined;
  name?: string | undefined;
}

function ruleAllows(rule: Rbac['rules'][number], a: AccessRequest): boolean {
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const qualified = a.group ? `${a.resource}.${a.group}` : a.resource;
  const verbOk = rule.verbs.includes('*') || rule.verbs.includes(a.verb);
  const resOk = rule.resources.some(
    (r) => r === '*' || r === resource || (!a.subresource && r === qualified) || r === `${a.resource}/*`,
  );
  const nsOk =
    rule.namespaces.includes('*') || (a.namespace !== undefined && rule.namespaces.includes(a.namespace));
  return verbOk && resOk && nsOk;
}

/** Throws a 403 Status unless the rules allow the request. */
export function authorize(rbac: Rbac | undefined, a: AccessRequest): void {
  if (!rbac) return;
  if (rbac.rules.some((rule) => ruleAllows(rule, a))) return;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  const why = `User "${rbac.user}" cannot ${a.verb} resource "${resource}" in API group "${a.group}" ${scope}`;
  throw forbidden(a, a.name ?? '', why);
}
