/**
 * Revisions on-call can pick from, and why one is suspect: shared by the proposal (a suspect target
 * asked for by number, suspects passed over, no target at all) and the private answer to a request
 * nothing could approve.
 */
import type { Incident, IncidentPlan, RevisionChoice, SuspectMark } from '../../incidents/incident.js';
import { formatAge, revisionLabel, slackDate } from './format.js';
import { capLines, esc, firstLine } from './limits.js';

/** "it was live when HighErrorRate fired at <date>" */
export function suspectWhy(mark: SuspectMark, now: number): string {
  return `it was live when *${esc(firstLine(mark.alert), 200)}* fired at ${slackDate(mark.at, now)}`;
}

/** One line per revision that could be named: the command to type, tags, age, and a suspect mark. */
export function choiceLines(service: string, choices: readonly RevisionChoice[], now: number): string {
  const svc = esc(service, 100);
  const lines = choices.map((c) => {
    const created = c.createdAt ? Date.parse(c.createdAt) : NaN;
    const age = Number.isNaN(created) ? '' : ` · deployed ${formatAge(created, now)}`;
    const cause = c.changeCause ? ` — _${esc(firstLine(c.changeCause), 120)}_` : '';
    const suspect = c.suspect ? `\n      :warning: suspect: ${suspectWhy(c.suspect, now)}` : '';
    return `\`/rollback ${svc} to ${c.revision}\` — ${esc(revisionLabel(c), 120)}${age}${cause}${suspect}`;
  });
  return lines.length
    ? capLines(lines, { maxChars: 2500, maxLines: 10, noun: 'revisions' })
    : '_none: the Deployment has no other revision in its history_';
}

/** Lines for the proposal about suspects: a suspect target asked for by number, suspects skipped. */
export function suspectLines(plan: IncidentPlan, now: number): string[] {
  const out: string[] = [];
  if (plan.target && plan.targetSuspect)
    out.push(
      `:warning: *The target, ${esc(revisionLabel(plan.target), 150)}, is suspect:* ${suspectWhy(plan.targetSuspect, now)}. ` +
        'It was asked for by number or tag; make sure it is not the release that paged.',
    );
  for (const s of plan.skippedSuspects ?? [])
    out.push(
      `:information_source: Passed over ${esc(revisionLabel(s), 150)}: suspect${s.suspect ? `, ${suspectWhy(s.suspect, now)}` : ''}.`,
    );
  return out;
}

/** The banner of an alert-born proposal the freeze or cooldown blocked, with the emergency path. */
export function blockedLine(incident: Incident, breakGlass: string[], now: number): string | undefined {
  const b = incident.blocked;
  if (!b) return undefined;
  if (b.reason === 'gitops_managed')
    return `:no_entry: *Refused: \`kubectl rollout undo\` would not stick.* ${esc(b.message, 1500)}`;
  const svc = esc(incident.service, 100);
  const what = b.what ? esc(b.what, 300) : esc(b.reason, 100);
  const until = b.until !== undefined ? ` until ${slackDate(b.until, now)}` : '';
  const who = breakGlass.length ? ` (break-glass approvers: ${breakGlass.join(', ')})` : '';
  return (
    `:no_entry: *Blocked by ${what}${until}:* rollbacks of ${svc} are refused while it lasts. ` +
    `Emergency path: \`/rollback ${svc} --emergency because …\`${who}.`
  );
}
