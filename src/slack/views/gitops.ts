/**
 * The proposal's lines about who else deploys the Deployment (src/gitops): "Managed by Argo CD
 * (app …)", and the drift warning or acknowledgement. A refusal is the blocked banner's to show.
 */
import type { IncidentPlan } from '../../incidents/incident.js';
import { esc } from './limits.js';

export function managerLines(plan: IncidentPlan): string[] {
  const m = plan.managedBy;
  if (!m) return [];
  const lines = [`:gear: *Managed by ${esc(m.title, 200)}* — ${esc(m.evidence, 400)}`];
  if (m.undo === 'drift' && m.message) lines.push(`:warning: *Drift:* ${esc(m.message, 1200)}`);
  if (m.undo === 'drift-allowed' && m.message) lines.push(`:information_source: ${esc(m.message, 800)}`);
  return lines;
}
