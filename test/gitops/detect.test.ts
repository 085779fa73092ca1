/**
 * Issue 17: recognising who deploys a Deployment from the marks Argo CD, Flux and Helm leave
 * (src/gitops/detect.ts), and what the plan makes of a kubectl undo there (src/gitops/guard.ts).
 */
import { detectManager, parseTrackingId, type ObjectMarks } from '../../src/gitops/detect.js';
import { assessUndo } from '../../src/gitops/guard.js';

const marks = (labels: Record<string, string>, annotations: Record<string, string> = {}): ObjectMarks => ({
  namespace: 'payments',
  name: 'payments-api',
  labels: { app: 'payments-api', ...labels },
  annotations,
});
const target = { namespace: 'payments', deployment: 'payments-api' };
const undoRunbook = (allowDrift = false) => ({
  allowDrift,
  steps: [{ id: 'undo', type: 'k8s.rolloutUndo', with: {}, retry: { attempts: 1, backoff: 2000 } }] as never,
});

describe('Argo CD', () => {
  test('the tracking-id annotation naming this Deployment is Argo CD, app from the id', () => {
    const m = detectManager(
      marks({}, { 'argocd.argoproj.io/tracking-id': 'payments:apps/Deployment:payments/payments-api' }),
    );
    expect(m).toMatchObject({
      kind: 'argocd',
      name: 'payments',
      title: 'Argo CD (app payments)',
      reconciles: true,
    });
    expect(m?.evidence).toContain('argocd.argoproj.io/tracking-id');
  });

  test('an app in another namespace (apps-in-any-namespace: <ns>_<app>) is shown as ns/app', () => {
    const m = detectManager(
      marks(
        {},
        { 'argocd.argoproj.io/tracking-id': 'team-a_payments:apps/Deployment:payments/payments-api' },
      ),
    );
    expect(m).toMatchObject({
      kind: 'argocd',
      name: 'payments',
      namespace: 'team-a',
      title: 'Argo CD (app team-a/payments)',
    });
  });

  test('a tracking-id naming another object (copied by a controller or a chart) is not Argo CD', () => {
    expect(
      detectManager(
        marks(
          {},
          { 'argocd.argoproj.io/tracking-id': 'payments:apps/ReplicaSet:payments/payments-api-7d9f' },
        ),
      ),
    ).toBeUndefined();
    expect(
      detectManager(
        marks({}, { 'argocd.argoproj.io/tracking-id': 'payments:apps/Deployment:payments/other' }),
      ),
    ).toBeUndefined();
    // Malformed ids parse as nothing, as argo-cd's ParseAppInstanceValue refuses them.
    expect(parseTrackingId('payments')).toBeUndefined();
    expect(parseTrackingId('payments:Deployment:payments/payments-api')).toBeUndefined();
    expect(parseTrackingId('a:/ConfigMap:ns/cm')).toEqual({
      app: 'a',
      group: '',
      kind: 'ConfigMap',
      namespace: 'ns',
      name: 'cm',
    });
  });

  test('label tracking: app.kubernetes.io/instance without Helm release annotations is Argo CD, even on a chart Argo CD rendered', () => {
    expect(detectManager(marks({ 'app.kubernetes.io/instance': 'payments-prod' }))).toMatchObject({
      kind: 'argocd',
      name: 'payments-prod',
    });
    expect(
      detectManager(
        marks({ 'app.kubernetes.io/instance': 'payments-prod', 'app.kubernetes.io/managed-by': 'Helm' }),
      ),
    ).toMatchObject({ kind: 'argocd' });
  });
});

describe('Flux', () => {
  test('kustomize-controller labels are a Kustomization', () => {
    expect(
      detectManager(
        marks({
          'kustomize.toolkit.fluxcd.io/name': 'apps',
          'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
        }),
      ),
    ).toMatchObject({
      kind: 'flux',
      name: 'apps',
      namespace: 'flux-system',
      title: 'Flux (Kustomization flux-system/apps)',
    });
  });

  test('helm-controller labels are a HelmRelease, ahead of the Helm marks helm-controller leaves too', () => {
    expect(
      detectManager(
        marks(
          {
            'helm.toolkit.fluxcd.io/name': 'payments',
            'helm.toolkit.fluxcd.io/namespace': 'flux-system',
            'app.kubernetes.io/managed-by': 'Helm',
            'app.kubernetes.io/instance': 'payments',
          },
          { 'meta.helm.sh/release-name': 'payments', 'meta.helm.sh/release-namespace': 'payments' },
        ),
      ),
    ).toMatchObject({ kind: 'flux', title: 'Flux (HelmRelease flux-system/payments)', reconciles: true });
  });
});

describe('Helm', () => {
  test('managed-by Helm with the release annotations is a Helm release (its instance label is the chart’s)', () => {
    expect(
      detectManager(
        marks(
          { 'app.kubernetes.io/managed-by': 'Helm', 'app.kubernetes.io/instance': 'payments' },
          { 'meta.helm.sh/release-name': 'payments', 'meta.helm.sh/release-namespace': 'payments' },
        ),
      ),
    ).toMatchObject({
      kind: 'helm',
      name: 'payments',
      title: 'Helm (release payments/payments)',
      reconciles: false,
    });
  });

  test('the release annotation without the managed-by label is not taken for Helm', () => {
    expect(detectManager(marks({}, { 'meta.helm.sh/release-name': 'payments' }))).toBeUndefined();
  });
});

test('a Deployment without such marks has no manager', () => {
  expect(detectManager(marks({ 'app.kubernetes.io/name': 'payments-api' }))).toBeUndefined();
});

describe('what a plan makes of kubectl rollout undo', () => {
  const argo = detectManager(
    marks({}, { 'argocd.argoproj.io/tracking-id': 'payments:apps/Deployment:payments/payments-api' }),
  );
  const fluxKs = detectManager(
    marks({
      'kustomize.toolkit.fluxcd.io/name': 'apps',
      'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
    }),
  );
  const helm = detectManager(
    marks(
      { 'app.kubernetes.io/managed-by': 'Helm' },
      { 'meta.helm.sh/release-name': 'payments', 'meta.helm.sh/release-namespace': 'payments' },
    ),
  );

  test('a reconciling controller: refused, naming why and both fixes', () => {
    const a = assessUndo(undoRunbook(), target, argo)!;
    expect(a.undo).toBe('refused');
    expect(a.message).toMatch(/Argo CD \(app payments\) manages payments\/payments-api/);
    expect(a.message).toMatch(/self-heal/);
    expect(a.message).toMatch(/gitops:/);
    expect(a.message).toMatch(/allowDrift: true/);
    expect(assessUndo(undoRunbook(), target, fluxKs)!.message).toMatch(
      /flux suspend kustomization apps -n flux-system/,
    );
  });

  test('allowDrift: true lets the undo run, saying it only sticks while reconciliation is off', () => {
    const a = assessUndo(undoRunbook(true), target, argo)!;
    expect(a.undo).toBe('drift-allowed');
    expect(a.message).toMatch(/allowDrift: true/);
  });

  test('Helm: allowed with a drift warning naming helm history and helm rollback', () => {
    const h = assessUndo(undoRunbook(), target, helm)!;
    expect(h.undo).toBe('drift');
    expect(h.message).toMatch(/helm history payments -n payments/);
    expect(h.message).toMatch(/helm rollback payments -n payments/);
    expect(assessUndo(undoRunbook(true), target, helm)!.undo).toBe('drift-allowed');
  });

  test('a runbook without k8s.rolloutUndo is not refused, and nothing is said without a manager', () => {
    expect(assessUndo({ allowDrift: false, steps: [] }, target, argo)!.undo).toBe('not-used');
    expect(assessUndo(undoRunbook(), target, undefined)).toBeUndefined();
  });
});
