/**
 * Who deploys a Deployment, read from the marks the tools leave on the objects they apply. Pure:
 * the plan hands in the Deployment's labels and annotations (src/kube/plan.ts).
 *
 * - Argo CD (argo-cd util/argo/resource_tracking.go): the `argocd.argoproj.io/tracking-id`
 *   annotation, `<app>:<group>/<kind>:<namespace>/<name>` (tracking methods `annotation` and
 *   `annotation+label`; the default since Argo CD 3.0), or the `app.kubernetes.io/instance` label
 *   (method `label`, the default before). The Deployment controller copies a Deployment's
 *   annotations onto its ReplicaSets, and charts copy labels around, so Argo CD only counts an id
 *   naming the object that carries it; so does this.
 * - Flux: kustomize-controller labels what it applies `kustomize.toolkit.fluxcd.io/name|namespace`,
 *   helm-controller labels a release's objects `helm.toolkit.fluxcd.io/name|namespace`.
 * - Helm: `app.kubernetes.io/managed-by: Helm` with the `meta.helm.sh/release-name|namespace`
 *   annotations `helm install/upgrade` adds. Charts set the managed-by label from .Release.Service
 *   even under `helm template` (which is how Argo CD renders them), so the label alone is not a
 *   release; the release annotations are.
 */
import type { ManagerInfo } from '../incidents/incident.js';

export const ARGOCD_TRACKING_ID = 'argocd.argoproj.io/tracking-id';
export const ARGOCD_INSTANCE_LABEL = 'app.kubernetes.io/instance';
export const FLUX_KUSTOMIZE_NAME = 'kustomize.toolkit.fluxcd.io/name';
export const FLUX_KUSTOMIZE_NAMESPACE = 'kustomize.toolkit.fluxcd.io/namespace';
export const FLUX_HELM_NAME = 'helm.toolkit.fluxcd.io/name';
export const FLUX_HELM_NAMESPACE = 'helm.toolkit.fluxcd.io/namespace';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const HELM_RELEASE_NAME = 'meta.helm.sh/release-name';
export const HELM_RELEASE_NAMESPACE = 'meta.helm.sh/release-namespace';

export type DetectedManager = Pick<
  ManagerInfo,
  'kind' | 'title' | 'name' | 'namespace' | 'evidence' | 'reconciles'
>;

export interface ObjectMarks {
  /** The object carrying the marks: a tracking id must name it. */
  namespace: string;
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

interface TrackingId {
  app: string;
  group: string;
  kind: string;
  namespace: string;
  name: string;
}

/** Argo CD's ParseAppInstanceValue: `<app>:<group>/<kind>:<namespace>/<name>`, else undefined. */
export function parseTrackingId(value: string): TrackingId | undefined {
  const first = value.indexOf(':');
  const second = first < 0 ? -1 : value.indexOf(':', first + 1);
  if (second < 0) return undefined;
  const gk = value.slice(first + 1, second).split('/');
  const nn = value.slice(second + 1).split('/');
  if (gk.length !== 2 || nn.length !== 2) return undefined;
  return { app: value.slice(0, first), group: gk[0]!, kind: gk[1]!, namespace: nn[0]!, name: nn[1]! };
}

/**
 * An Application outside Argo CD's own namespace is tracked as `<namespace>_<name>`
 * (apps-in-any-namespace); show it as namespace and name.
 */
function argoApp(app: string): { name: string; namespace?: string } {
  const i = app.indexOf('_');
  return i > 0 ? { namespace: app.slice(0, i), name: app.slice(i + 1) } : { name: app };
}

function argo(m: ObjectMarks): DetectedManager | undefined {
  const raw = m.annotations[ARGOCD_TRACKING_ID];
  const id = raw === undefined ? undefined : parseTrackingId(raw);
  if (
    id &&
    id.group === 'apps' &&
    id.kind === 'Deployment' &&
    id.name === m.name &&
    id.namespace === m.namespace
  ) {
    const app = argoApp(id.app);
    return {
      kind: 'argocd',
      title: `Argo CD (app ${id.app.replace('_', '/')})`,
      ...app,
      evidence: `annotation ${ARGOCD_TRACKING_ID}=${raw}`,
      reconciles: true,
    };
  }
  if (raw !== undefined) return undefined; // an id naming another object was copied here: not Argo CD's
  const instance = m.labels[ARGOCD_INSTANCE_LABEL];
  // `helm install` sets the instance label to the release name and annotates the release: then
  // the label is Helm's. Argo CD renders charts with `helm template` (no annotations) and
  // overwrites the label with the app name, so a chart's labels without them are Argo CD's.
  if (!instance || m.annotations[HELM_RELEASE_NAME] !== undefined) return undefined;
  return {
    kind: 'argocd',
    title: `Argo CD (app ${instance})`,
    name: instance,
    evidence: `label ${ARGOCD_INSTANCE_LABEL}=${instance} (Argo CD's label tracking; other tools set this recommended label too)`,
    reconciles: true,
  };
}

function flux(m: ObjectMarks): DetectedManager | undefined {
  const ks = m.labels[FLUX_KUSTOMIZE_NAME];
  if (ks) {
    const ns = m.labels[FLUX_KUSTOMIZE_NAMESPACE];
    return {
      kind: 'flux',
      title: `Flux (Kustomization ${ns ? `${ns}/` : ''}${ks})`,
      name: ks,
      namespace: ns,
      evidence: `label ${FLUX_KUSTOMIZE_NAME}=${ks}`,
      // kustomize-controller server-side applies the whole source on every interval: drift is undone.
      reconciles: true,
    };
  }
  const hr = m.labels[FLUX_HELM_NAME];
  if (!hr) return undefined;
  const ns = m.labels[FLUX_HELM_NAMESPACE];
  return {
    kind: 'flux',
    title: `Flux (HelmRelease ${ns ? `${ns}/` : ''}${hr})`,
    name: hr,
    namespace: ns,
    evidence: `label ${FLUX_HELM_NAME}=${hr}`,
    // helm-controller corrects drift when the HelmRelease enables driftDetection, and upgrades back
    // to the values in Git on its next release either way; rollbot cannot see which from here.
    reconciles: true,
  };
}

function helm(m: ObjectMarks): DetectedManager | undefined {
  const release = m.annotations[HELM_RELEASE_NAME];
  if (!release || m.labels[MANAGED_BY_LABEL] !== 'Helm') return undefined;
  const ns = m.annotations[HELM_RELEASE_NAMESPACE];
  return {
    kind: 'helm',
    title: `Helm (release ${ns ? `${ns}/` : ''}${release})`,
    name: release,
    namespace: ns,
    evidence: `annotation ${HELM_RELEASE_NAME}=${release}, label ${MANAGED_BY_LABEL}=Helm`,
    // Helm has no controller: nothing puts the chart's image back until the next upgrade.
    reconciles: false,
  };
}

/**
 * The manager, most specific first: a GitOps controller that installs a Helm chart leaves Helm's
 * marks too (Flux's helm-controller runs `helm upgrade`), and the controller is what reverts drift.
 */
export function detectManager(m: ObjectMarks): DetectedManager | undefined {
  return flux(m) ?? argo(m) ?? helm(m);
}
