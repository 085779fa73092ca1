import type { Octokit } from '@octokit/rest';
import type { Logger } from 'pino';
import type { AuditLog } from '../audit/index.js';
import type { Incident } from '../incidents/incident.js';
import type { Store } from '../store/index.js';
import { postmortemInput } from './from-incident.js';
import { renderPostmortem } from './render.js';

/**
 * After a rollback finishes: render the postmortem draft from the incident and its audit
 * timeline, keep it (store key `postmortem:<id>`), post its head to the incident thread and, when
 * the runbook says so, open it as a GitHub issue (linked in the thread). The link is recorded in
 * the audit log.
 */
export interface PostmortemOutlets {
  /** A message in the incident's Slack thread. */
  thread: (incident: Incident, text: string) => Promise<void>;
  /** Opens an issue and returns its URL; absent: GitHub is not configured. */
  githubIssue?:
    ((repo: string, title: string, body: string, labels: string[]) => Promise<string>) | undefined;
}

export interface PostmortemDeps {
  audit: Pick<AuditLog, 'read' | 'append'>;
  store: Store;
  outlets: PostmortemOutlets;
  log: Logger;
}

const RETENTION_MS = 90 * 24 * 3_600_000;
/** Slack shows long messages folded; the thread gets the draft's head, the store and issue the rest. */
const THREAD_HEAD_CHARS = 2500;

export function postmortemKey(incidentId: string): string {
  return `postmortem:${incidentId}`;
}

/** The thread message: the draft's head in a code block (``` inside would end it early). */
export function postmortemThreadText(markdown: string, incidentId: string): string {
  const head = markdown.length > THREAD_HEAD_CHARS ? `${markdown.slice(0, THREAD_HEAD_CHARS)}\n…` : markdown;
  return `:memo: *Postmortem draft* (full text: \`rollbot postmortem ${incidentId}\`)\n\`\`\`\n${head.replaceAll('```', "'''")}\n\`\`\``;
}

/** The GitHub outlet over an Octokit (owner/name from the runbook's `postmortem.githubIssue.repo`). */
export function githubIssueOutlet(github: Octokit): NonNullable<PostmortemOutlets['githubIssue']> {
  return async (repo, title, body, labels) => {
    const [owner, name] = repo.split('/') as [string, string];
    return (await github.rest.issues.create({ owner, repo: name, title, body, labels })).data.html_url;
  };
}

export async function publishPostmortem(
  incident: Incident,
  deps: PostmortemDeps,
): Promise<{ markdown: string; issueUrl?: string | undefined }> {
  const timeline = await deps.audit.read({ incidentId: incident.id });
  const markdown = renderPostmortem(postmortemInput(incident, timeline));
  await deps.store.set(postmortemKey(incident.id), markdown, { ttlMs: RETENTION_MS });
  await deps.outlets
    .thread(incident, postmortemThreadText(markdown, incident.id))
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
  if (issueUrl)
    await deps.outlets
      .thread(incident, `:memo: Postmortem issue opened: <${issueUrl}|${issueUrl}>`)
      .catch((err) => deps.log.warn({ err, incidentId: incident.id }, 'could not link the postmortem issue'));
  return { markdown, issueUrl };
}

/** The executor's finishing hook: the draft to the thread and, if the runbook asks, a GitHub issue. */
export function postmortemPublisher(deps: {
  audit: PostmortemDeps['audit'];
  store: Store;
  log: Logger;
  thread: PostmortemOutlets['thread'];
  github?: Octokit | undefined;
}): (incident: Incident) => Promise<unknown> {
  const outlets = { thread: deps.thread, githubIssue: deps.github && githubIssueOutlet(deps.github) };
  return (incident) => publishPostmortem(incident, { ...deps, outlets });
}
