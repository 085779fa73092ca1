/**
 * Defaulting and validation as the apiserver applies them on every write (pkg/apis/apps/v1 and
 * core/v1 defaults.go, apps validation). Filling the same defaults matters: `kubectl rollout undo`
 * compares a ReplicaSet's template with the Deployment's, and only identical defaults make them
 * equal where Kubernetes says they are.
 */
import type { KubeObject } from './objects.js';
import { selectorObjectMatches, type LabelSelectorObject } from './selectors.js';
import { type FieldError, invalid } from './status.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = Record<string, any>;

function imagePullPolicyFor(image: string): string {
  // Always for `:latest` or untagged images (without a digest); IfNotPresent otherwise.
  if (image.includes('@')) return 'IfNotPresent';
  const lastSegment = image.split('/').pop() ?? image;
  const tag = lastSegment.includes(':') ? lastSegment.split(':').pop() : undefined;
  return !tag || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultProbe(probe: Any | undefined): void {
  if (!probe) return;
  probe.timeoutSeconds ??= 1;
  probe.periodSeconds ??= 10;
  probe.successThreshold ??= 1;
  probe.failureThreshold ??= 3;
  if (probe.httpGet) probe.httpGet.scheme ??= 'HTTP';
}

function defaultContainer(c: Any): void {
  c.resources ??= {};
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  if (typeof c.image === 'string' && c.image) c.imagePullPolicy ??= imagePullPolicyFor(c.image);
  for (const p of c.ports ?? []) p.protocol ??= 'TCP';
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
}

export function defaultPodSpec(spec: Any): void {
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
  for (const c of spec.containers ?? []) defaultContainer(c);
  for (const c of spec.initContainers ?? []) defaultContainer(c);
}

export function defaultPodTemplate(template: Any): void {
  template.metadata ??= {};
  // The typed encoder writes an unset template timestamp as null; clients see it that way.
  if (!('creationTimestamp' in template.metadata)) template.metadata.creationTimestamp = null;
  template.spec ??= {};
  defaultPodSpec(template.spec);
}

function defaultRollingUpdate(spec: Any): void {
  spec.strategy ??= {};
  spec.strategy.type ??= 'RollingUpdate';
  if (spec.strategy.type === 'RollingUpdate') {
    spec.strategy.rollingUpdate ??= {};
    spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
    spec.strategy.rollingUpdate.maxSurge ??= '25%';
  }
}

export function defaultDeployment(obj: KubeObject): void {
  obj.spec ??= {};
  obj.spec.replicas ??= 1;
  defaultRollingUpdate(obj.spec);
  obj.spec.revisionHistoryLimit ??= 10;
  obj.spec.progressDeadlineSeconds ??= 600;
  obj.spec.template ??= {};
  defaultPodTemplate(obj.spec.template);
  obj.status ??= {};
}

export function defaultReplicaSet(obj: KubeObject): void {
  obj.spec ??= {};
  obj.spec.replicas ??= 1;
  obj.spec.template ??= {};
  defaultPodTemplate(obj.spec.template);
  obj.status ??= { replicas: 0 };
}

/** Go's `%#v` of a map[string]string, as validation messages print label maps. */
function goMap(m: Record<string, string> | undefined): string {
  if (!m || Object.keys(m).length === 0) return 'map[string]string(nil)';
  return `map[string]string{${Object.keys(m)
    .sort()
    .map((k) => `"${k}":"${m[k]}"`)
    .join(', ')}}`;
}

function goSelector(sel: LabelSelectorObject | undefined): string {
  const exprs = sel?.matchExpressions?.length
    ? `[]v1.LabelSelectorRequirement{…}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return `v1.LabelSelector{MatchLabels:${goMap(sel?.matchLabels)}, MatchExpressions:${exprs}}`;
}

function validatePodTemplate(template: Any, base: string, errs: FieldError[]): void {
  const containers = template?.spec?.containers;
  if (!Array.isArray(containers) || containers.length === 0) {
    errs.push({ type: 'FieldValueRequired', field: `${base}.spec.containers`, body: 'Required value' });
    return;
  }
  containers.forEach((c: Any, i: number) => {
    if (!c?.name)
      errs.push({
        type: 'FieldValueRequired',
        field: `${base}.spec.containers[${i}].name`,
        body: 'Required value',
      });
    if (!c?.image)
      errs.push({
        type: 'FieldValueRequired',
        field: `${base}.spec.containers[${i}].image`,
        body: 'Required value',
      });
  });
  const restart = template.spec.restartPolicy;
  if (restart !== 'Always') {
    errs.push({
      type: 'FieldValueNotSupported',
      field: `${base}.spec.restartPolicy`,
      body: `Unsupported value: "${restart}": supported values: "Always"`,
    });
  }
}

/** Validates a Deployment or ReplicaSet (same spec shape); `old` enables the update-only rules. */
export function validateWorkload(obj: KubeObject, kind: 'Deployment' | 'ReplicaSet', old?: KubeObject): void {
  const errs: FieldError[] = [];
  const spec = obj.spec ?? {};
  if (!obj.metadata?.name)
    errs.push({
      type: 'FieldValueRequired',
      field: 'metadata.name',
      body: 'Required value: name or generateName is required',
    });
  if (typeof spec.replicas !== 'number' || spec.replicas < 0 || !Number.isInteger(spec.replicas)) {
    errs.push({
      type: 'FieldValueInvalid',
      field: 'spec.replicas',
      body: `Invalid value: ${JSON.stringify(spec.replicas)}: must be greater than or equal to 0`,
    });
  }
  const selector = spec.selector as LabelSelectorObject | undefined;
  const empty =
    !selector ||
    (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0);
  if (!selector) errs.push({ type: 'FieldValueRequired', field: 'spec.selector', body: 'Required value' });
  else if (empty)
    errs.push({
      type: 'FieldValueInvalid',
      field: 'spec.selector',
      body: `Invalid value: ${goSelector(selector)}: empty selector is invalid for deployment`,
    });
  else if (!selectorObjectMatches(selector, spec.template?.metadata?.labels)) {
    errs.push({
      type: 'FieldValueInvalid',
      field: 'spec.template.metadata.labels',
      body: `Invalid value: ${goMap(spec.template?.metadata?.labels)}: \`selector\` does not match template \`labels\``,
    });
  }
  if (old && JSON.stringify(old.spec?.selector) !== JSON.stringify(selector)) {
    errs.push({
      type: 'FieldValueInvalid',
      field: 'spec.selector',
      body: `Invalid value: ${goSelector(selector)}: field is immutable`,
    });
  }
  validatePodTemplate(spec.template, 'spec.template', errs);
  if (kind === 'Deployment') {
    const pds = spec.progressDeadlineSeconds;
    if (typeof pds === 'number' && pds <= (spec.minReadySeconds ?? 0)) {
      errs.push({
        type: 'FieldValueInvalid',
        field: 'spec.progressDeadlineSeconds',
        body: `Invalid value: ${pds}: must be greater than minReadySeconds`,
      });
    }
  }
  if (errs.length > 0) throw invalid('apps', kind, obj.metadata?.name ?? '', errs);
}
