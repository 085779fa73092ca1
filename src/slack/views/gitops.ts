/**
 * The proposal's lines about who else deploys the Deployment (src/gitops): "Managed by Argo CD
 * (app …)", and the drift warning or acknowledgement. A refusal is the blocked banner's to show.
 */
import type { IncidentPlan } from '../../incidents/incident.js';
import { esc, link } from './limits.js';

export function managerLines(plan: IncidentPlan): string[] {
  const m = plan.managedBy;
  if (!m) return [];
  const lines = [`:gear: *Managed by ${esc(m.title, 200)}* — ${esc(m.evidence, 400)}`];
  if (m.undo === 'drift' && m.message) lines.push(`:warning: *Drift:* ${esc(m.message, 1200)}`);
  if (m.undo === 'drift-allowed' && m.message) lines.push(`:information_source: ${esc(m.message, 800)}`);
  return lines;
}

const FILE_FIELD = {
  kustomization: 'the `images:` newTag',
  'helm-values': '`image.tag`',
  manifest: 'the container image',
};

/** The revert pull request of a `gitops:` plan: what it changes, what it reverts, who merges it. */
export function gitopsLines(plan: IncidentPlan): string[] {
  const g = plan.gitops;
  if (!g) return [];
  const culprit = `${link(g.culprit.url, `\`${esc(g.culprit.sha.slice(0, 7), 7)}\``)} “${esc(g.culprit.message, 150)}”${g.culprit.author ? ` by ${esc(g.culprit.author, 80)}` : ''}`;
  const who =
    plan.managedBy?.kind === 'flux'
      ? 'Flux'
      : plan.managedBy?.kind === 'argocd'
        ? 'Argo CD'
        : 'the GitOps controller';
  return [
    `:twisted_rightwards_arrows: *Rollback through Git:* ${link(g.pr.url, `pull request #${g.pr.number}`)} in \`${esc(g.repo, 140)}\` sets ${FILE_FIELD[g.fileKind]} in \`${esc(g.path, 300)}\` from \`${esc(g.fromTag, 100)}\` back to \`${esc(g.toTag, 100)}\`, reverting ${culprit}.`,
    `*Who merges:* ${esc(g.mergers, 400)}; then ${who} syncs it, and rollbot waits for the rollout and verifies.`,
  ];
}
