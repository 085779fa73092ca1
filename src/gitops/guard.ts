/**
 * What a plan makes of `kubectl rollout undo` on a Deployment another tool manages. A controller
 * that reconciles (Argo CD with self-heal, Flux) puts the bad image back, so rollbot would report
 * a rollback that did not stick: refused, with the fix. Helm has no controller: the undo sticks,
 * but Helm's release record drifts, so the proposal warns and still offers Approve — on-call's
 * fastest way out stays open, and they are told what to clean up.
 *
 * rollbot cannot see from the Deployment whether self-heal is on (that is in the Application or
 * Kustomization spec), so it assumes the manager reconciles. A team that turns self-heal off during
 * incidents says so in the runbook with `allowDrift: true`.
 */
import type { ManagerInfo } from '../incidents/incident.js';
import type { Runbook } from '../runbooks/schema.js';
import type { DetectedManager } from './detect.js';

/** Why the undo would not stick, per manager. */
function revertsBecause(m: DetectedManager): string {
  if (m.kind === 'argocd')
    return 'with automated sync and self-heal, Argo CD syncs the image in Git back within seconds of a `kubectl rollout undo`';
  if (m.title.startsWith('Flux (Kustomization'))
    return "kustomize-controller re-applies the image in Git at the Kustomization's next interval";
  return "helm-controller corrects drift (driftDetection) and its next upgrade reinstates the image in Git's values";
}

/** How to turn the reconciliation off for the incident, per manager. */
function pauseHint(m: DetectedManager): string {
  const ns = m.namespace ? ` -n ${m.namespace}` : '';
  if (m.kind === 'argocd') return `turn off self-heal on the Application ${m.name}`;
  if (m.title.startsWith('Flux (Kustomization')) return `\`flux suspend kustomization ${m.name}${ns}\``;
  return `\`flux suspend helmrelease ${m.name}${ns}\``;
}

export function assessUndo(
  runbook: Pick<Runbook, 'steps' | 'allowDrift'>,
  target: { namespace: string; deployment: string },
  m: DetectedManager | undefined,
): ManagerInfo | undefined {
  if (!m) return undefined;
  const ref = `${target.namespace}/${target.deployment}`;
  if (!runbook.steps.some((s) => s.type === 'k8s.rolloutUndo')) return { ...m, undo: 'not-used' };
  if (m.reconciles) {
    if (runbook.allowDrift)
      return {
        ...m,
        undo: 'drift-allowed',
        message: `the runbook declares allowDrift: true, so the undo runs although ${m.title} manages ${ref}; it only sticks while its reconciliation is off (${pauseHint(m)})`,
      };
    return {
      ...m,
      undo: 'refused',
      message:
        `${m.title} manages ${ref} (${m.evidence}), and ${revertsBecause(m)}: rollbot would report a rollback that did not stick. ` +
        'Roll back through Git instead (a `gitops:` block in the runbook makes rollbot open the revert pull request), ' +
        `or, if the team turns the reconciliation off during incidents (${pauseHint(m)}), declare \`allowDrift: true\` in the runbook.`,
    };
  }
  const release = m.namespace ? `${m.name} -n ${m.namespace}` : m.name;
  if (runbook.allowDrift)
    return {
      ...m,
      undo: 'drift-allowed',
      message: `the runbook declares allowDrift: true: Helm's record of release ${m.name} will not match the cluster after the undo`,
    };
  return {
    ...m,
    undo: 'drift',
    message:
      `${m.title} manages ${ref}: \`kubectl rollout undo\` sticks (Helm has no controller), but Helm's release record drifts — ` +
      `\`helm history ${release}\` still shows the bad image as deployed, and the next \`helm upgrade\` with the same values brings it back. ` +
      `After recovering, fix the chart values (or use \`helm rollback ${release}\` instead); \`allowDrift: true\` in the runbook acknowledges this.`,
  };
}
