/**
 * The postmortem draft: a Markdown document filled from the incident and its audit timeline,
 * with the sections people must write themselves left empty. It is posted to the incident thread
 * or opened as a GitHub issue, so it stays under GitHub's 65,536-character body limit by
 * shortening the timeline (head and tail kept, a note in the middle).
 */
import type { AuditRecord } from '../audit/index.js';
import type { PostmortemInput, RevisionInfo } from './input.js';
import {
  actorName,
  between,
  cell,
  code,
  humanDuration,
  link,
  person,
  toMs,
  utc,
  utcTime,
} from './markdown.js';

export const GITHUB_BODY_LIMIT = 65_536;
const MAX_COMMITS = 100;
const TIMELINE_MARK = '\u0000timeline\u0000';

export function renderPostmortem(input: PostmortemInput, opts: { limit?: number } = {}): string {
  const limit = opts.limit ?? GITHUB_BODY_LIMIT;
  const doc = [
    title(input),
    summary(input),
    impact(input),
    durations(input),
    `## Timeline\n\n${TIMELINE_MARK}`,
    reverted(input),
    runbook(input),
    verification(input),
    EMPTY_SECTIONS,
  ].join('\n\n');
  // Everything but the timeline is bounded; the timeline gets what is left of the budget.
  const budget = limit - (doc.length - TIMELINE_MARK.length) - 1;
  const out = doc.replace(TIMELINE_MARK, () => timeline(input, budget)) + '\n';
  if (out.length <= limit) return out;
  // Only reachable with pathological inputs (e.g. thousands of steps): cut hard, say so.
  const cut = '\n\n_(truncated to fit the issue body limit)_\n';
  return out.slice(0, limit - cut.length) + cut;
}

function title(i: PostmortemInput): string {
  const what = i.stopped
    ? 'rollback stopped'
    : { succeeded: 'rolled back', failed: 'rollback failed', cancelled: 'rollback cancelled' }[i.result];
  const alert = i.alert ? ` after ${i.alert.name}` : '';
  return `# Postmortem: ${i.service} ${what}${alert} (${i.incidentId})`;
}

function rev(r: RevisionInfo): string {
  const parts = [r.revision !== undefined ? `revision ${r.revision}` : 'an unknown revision'];
  if (r.image) parts.push(`(${code(r.image)})`);
  return parts.join(' ');
}

function summary(i: PostmortemInput): string {
  const t = i.times;
  const s: string[] = [];
  const target = `deployment ${code(`${i.namespace}/${i.deployment}`)}${i.cluster ? ` in cluster ${code(i.cluster)}` : ''}`;
  if (i.alert) {
    const about = i.alert.summary ? ` (“${i.alert.summary.replace(/\s+/g, ' ').trim()}”)` : '';
    s.push(`At ${utc(t.alertFirstSeen)}, alert **${i.alert.name}**${about} fired for **${i.service}**.`);
  } else {
    s.push(
      `A rollback of **${i.service}** was requested${i.requester ? ` by ${person(i.requester)}` : ''} at ${utc(t.proposalPosted)}.`,
    );
  }
  s.push(
    `rollbot proposed rolling ${target} back from ${rev(i.reverted.from)} to ${rev(i.reverted.to)} at ${utc(t.proposalPosted)}.`,
  );
  const approvers = i.approvers.length ? i.approvers.map(person).join(', ') : 'nobody';
  if (i.alert && i.requester) s.push(`${person(i.requester)} requested it.`);
  s.push(
    i.breakGlass
      ? `It was started through **break-glass** at ${utc(t.approved)} (approved by ${approvers}).`
      : `${approvers} approved it at ${utc(t.approved)}.`,
  );
  if (i.result === 'succeeded') {
    s.push(
      `The rollback succeeded: the rollout completed at ${utc(t.rolloutComplete)} and verification passed at ${utc(t.verificationPassed)}; ` +
        `the service recovered ${between(t.alertFirstSeen, t.recovered ?? t.verificationPassed)} after the alert.`,
    );
  } else if (i.result === 'failed') {
    s.push(
      `The rollback **failed**${i.failureReason ? `: ${i.failureReason}` : ''} (finished ${utc(t.finished)}).`,
    );
  } else if (i.stopped) {
    s.push(
      `The rollback was **stopped**${i.stopped.by ? ` by ${person(i.stopped.by)}` : ''} at ${utc(t.finished)}: ${i.stopped.summary}. Next: ${i.stopped.next}.`,
    );
  } else {
    s.push(
      `The rollback was **cancelled**${i.failureReason ? `: ${i.failureReason}` : ''} (finished ${utc(t.finished)}).`,
    );
  }
  return `## Summary\n\n${s.join(' ')}`;
}

function impact(i: PostmortemInput): string {
  const t = i.times;
  const end = t.recovered ?? t.verificationPassed;
  const lines = [
    `- **Start** (alert first seen): ${utc(t.alertFirstSeen)}`,
    `- **End** (recovered): ${end ? utc(end) : i.result === 'succeeded' ? 'n/a' : i.stopped?.changedCluster ? 'unknown — the rollback was stopped after the undo and verification did not run' : 'not recovered by the rollback'}`,
    `- **Duration**: ${between(t.alertFirstSeen, end)}`,
  ];
  if (i.alert) {
    lines.push(
      `- **Alert**: ${i.alert.name}${i.alert.severity ? ` (severity ${i.alert.severity})` : ''}${i.alert.source ? ` from ${i.alert.source}` : ''}`,
    );
    const labels = Object.entries(i.alert.labels ?? {});
    if (labels.length) lines.push(`- **Labels**: ${labels.map(([k, v]) => code(`${k}=${v}`)).join(' ')}`);
    for (const l of i.alert.links ?? []) lines.push(`- ${link(l.title, l.url)}`);
  }
  if (i.threadUrl) lines.push(`- ${link('Incident thread', i.threadUrl)}`);
  return `## Impact window\n\n${lines.join('\n')}`;
}

function durations(i: PostmortemInput): string {
  const t = i.times;
  const rows: [string, string][] = [
    ['Detection → proposal', between(t.alertFirstSeen, t.proposalPosted)],
    ['Proposal → approval', between(t.proposalPosted, t.approved)],
    ['Approval → rollout complete', between(t.approved, t.rolloutComplete)],
    ['Alert → recovered', between(t.alertFirstSeen, t.recovered ?? t.verificationPassed)],
    ['Execution (start → finish)', between(t.executionStarted, t.finished)],
  ];
  return `## Key durations\n\n| Interval | Duration |\n|---|---|\n${rows.map(([a, b]) => `| ${a} | ${b} |`).join('\n')}`;
}

function timelineRow(r: AuditRecord, oneDay: boolean): string {
  const d = { ...r.details };
  const reason = typeof d.reason === 'string' ? d.reason : undefined;
  const rest = Object.keys(d).length ? JSON.stringify(d) : '';
  return `| ${oneDay ? utcTime(r.at) : utc(r.at).replace(' UTC', '')} | ${cell(actorName(r.actor), 60)} | ${code(r.action)} | ${cell(reason ?? rest, 160)} |`;
}

/** The audit timeline as a table, shortened (head + tail) to fit `budget` characters. */
function timeline(i: PostmortemInput, budget: number): string {
  const records = i.timeline;
  if (records.length === 0) return '_No audit records._';
  const first = toMs(records[0]!.at);
  const date = (at: string) => new Date(toMs(at) ?? 0).toISOString().slice(0, 10);
  // Times alone when the incident fits in one UTC day; date and time when it crosses midnight.
  const oneDay = first !== undefined && records.every((r) => date(r.at) === date(records[0]!.at));
  const day = oneDay ? `All times UTC, ${date(records[0]!.at)}.\n\n` : 'All times UTC.\n\n';
  const header = `${day}| Time (UTC) | Actor | Event | Details |\n|---|---|---|---|`;
  const rows = records.map((r) => timelineRow(r, oneDay));
  const full = [header, ...rows].join('\n');
  if (full.length <= budget) return full;

  const note = (n: number) =>
    `| … | | | _${n} events omitted to fit GitHub's 65,536-character limit; full trail: ${code(`rollbot audit export --incident ${i.incidentId}`)}_ |`;
  let room = budget - header.length - note(records.length).length - 2;
  const head: string[] = [];
  const tail: string[] = [];
  let h = 0;
  let t = rows.length - 1;
  // Alternate head and tail so both the start and the end of the incident stay visible.
  while (h <= t) {
    const takeHead = head.length <= tail.length;
    const row = takeHead ? rows[h]! : rows[t]!;
    if (row.length + 1 > room) break;
    room -= row.length + 1;
    if (takeHead) head.push(rows[h++]!);
    else tail.unshift(rows[t--]!);
  }
  return [header, ...head, note(rows.length - head.length - tail.length), ...tail].join('\n');
}

function reverted(i: PostmortemInput): string {
  const { from, to, commits = [], compareUrl } = i.reverted;
  const out = [
    '## What was reverted\n',
    '| | Revision | Image | Change cause |',
    '|---|---|---|---|',
    `| From | ${cell(String(from.revision ?? 'n/a'))} | ${cell(from.image)} | ${cell(from.changeCause)} |`,
    `| To | ${cell(String(to.revision ?? 'n/a'))} | ${cell(to.image)} | ${cell(to.changeCause)} |`,
  ];
  if (commits.length) {
    out.push(
      `\n**Commits reverted** (${commits.length})${compareUrl ? ` — ${link('compare', compareUrl)}` : ''}:\n`,
    );
    for (const c of commits.slice(0, MAX_COMMITS)) {
      const sha = link(code(c.sha.slice(0, 7)), c.url);
      out.push(
        `- ${sha} ${cell(c.message.split('\n')[0], 120)}${c.author ? ` — ${cell(c.author, 60)}` : ''}`,
      );
    }
    if (commits.length > MAX_COMMITS) out.push(`- … and ${commits.length - MAX_COMMITS} more`);
  } else {
    out.push('\nNo commit information.');
  }
  return out.join('\n');
}

function runbook(i: PostmortemInput): string {
  const r = i.runbook;
  const lines = [
    `- **Runbook**: ${code(r.name)}${r.version ? ` version ${code(r.version)}` : ''}`,
    ...(r.sha256 ? [`- **sha256**: ${code(r.sha256)}`] : []),
    ...(r.source
      ? [`- **Source**: ${r.source.startsWith('http') ? link(r.source, r.source) : code(r.source)}`]
      : []),
  ];
  const steps = i.steps.length
    ? [
        '\n| Step | Type | Status | Duration | Output |',
        '|---|---|---|---|---|',
        ...i.steps
          .slice(0, 200)
          .map(
            (s) =>
              `| ${cell(s.id, 60)} | ${code(s.type)} | ${s.status} | ${s.durationMs === undefined ? 'n/a' : humanDuration(s.durationMs)} | ${cell(s.output, 300)} |`,
          ),
      ]
    : ['\nNo steps ran.'];
  return `## Runbook\n\n${[...lines, ...steps].join('\n')}`;
}

function verification(i: PostmortemInput): string {
  if (!i.verification.length) return '## Verification\n\nNo verification checks ran.';
  const rows = i.verification.map(
    (v) =>
      `| ${cell(v.name, 80)} | ${v.passed ? '✅ passed' : '❌ failed'} | ${v.at ? utc(v.at) : 'n/a'} | ${cell(v.detail, 300)} |`,
  );
  return `## Verification\n\n| Check | Result | At | Detail |\n|---|---|---|---|\n${rows.join('\n')}`;
}

const EMPTY_SECTIONS = `## Root cause

_To be written._

## Contributing factors

_To be written._

## Action items

| Action | Owner | Due |
|---|---|---|
| | | |

## Lessons learned

_To be written._`;
