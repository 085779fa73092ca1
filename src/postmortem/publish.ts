import type { Logger } from 'pino';
import type { AuditLog } from '../audit/index.js';
import type { Incident } from '../incidents/incident.js';
import type { Store } from '../store/index.js';
import { postmortemInput } from './from-incident.js';
import { renderPostmortem } from './render.js';

/**
 * After a rollback finishes: render the postmortem draft from the incident and its audit
 * timeline, keep it (store key `postmortem:<id>`), post it to the incident thread and, when the
 * runbook says so, open it as a GitHub issue. The link is recorded in the audit log.
 */
export interface PostmortemOutlets {
  thread: (incident: Incident, markdown: string) => Promise<void>;
  githubIssue?:
    ((repo: string, title: string, body: string, labels: string[]) => Promise<string>) | undefined;
}

const RETENTION_MS = 90 * 24 * 3_600_000;

export async function publishPostmortem(
  incident: Incident,
  deps: { audit: AuditLog; store: Store; outlets: PostmortemOutlets; log: Logger },
): Promise<{ markdown: string; issueUrl?: string | undefined }> {
  const timeline = await deps.audit.read({ incidentId: incident.id });
  const markdown = renderPostmortem(postmortemInput(incident, timeline));
  await deps.store.set(`postmortem:${incident.id}`, markdown, { ttlMs: RETENTION_MS });
  await deps.outlets
    .thread(incident, markdown)
    .catch((err) =>
      deps.log.warn({ err, incidentId: incident.id }, 'could not post the postmortem to the thread'),
    );
  const spec = incident.runbook.spec as {
    postmortem?: false | { githubIssue?: { repo: string; labels: string[] } };
  };
  const target = spec.postmortem ? spec.postmortem.githubIssue : undefined;
  let issueUrl: string | undefined;
  if (target && deps.outlets.githubIssue) {
    try {
      const title = `Postmortem: ${incident.service} rollback ${incident.execution?.stopped ? 'stopped' : incident.state} (${incident.id})`;
      issueUrl = await deps.outlets.githubIssue(target.repo, title, markdown, target.labels);
    } catch (err) {
      deps.log.warn({ err, incidentId: incident.id }, 'could not open the postmortem issue');
    }
  }
  await deps.audit.append({
    action: 'postmortem.created',
    actor: { type: 'system' },
    incidentId: incident.id,
    service: incident.service,
    details: { issueUrl, chars: markdown.length },
  });
  return { markdown, issueUrl };
}
