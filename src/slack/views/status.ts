/**
 * `/rollback status` (open and running rollbacks) and `/rollback history <service>` (the
 * Deployment's revisions, laid out like `kubectl rollout history`).
 */
import type { KnownBlock } from '@slack/types';
import type { Incident } from '../../incidents/incident.js';
import type { HistoryRevision } from '../../incidents/requests.js';
import {
  type View,
  context,
  fallback,
  formatAge,
  slackTime,
  header,
  imageTag,
  mention,
  section,
} from './format.js';
import { LIMITS, esc, firstLine, packLines, truncate } from './limits.js';
import { STATE_EMOJI } from './progress.js';

export function statusView(incidents: Incident[], opts: { now?: number } = {}): View {
  if (!incidents.length) {
    return {
      text: 'No rollbacks open or running.',
      blocks: [section(':zzz: No rollbacks open or running.')],
    };
  }
  const now = opts.now;
  const lines = incidents.map((i) => {
    const since = `since ${slackTime(i.createdAt, now !== undefined ? { now } : {})}${now !== undefined ? ` (${formatAge(i.createdAt, now)})` : ''}`;
    const who = i.approvals.length
      ? `approved by ${i.approvals.map((a) => mention(a.id)).join(', ')}`
      : i.requester
        ? `requested by ${mention(i.requester.id)}`
        : 'from an alert';
    const steps = i.execution?.steps ?? [];
    const progress = steps.length
      ? ` (step ${Math.min(steps.length, steps.filter((s) => s.status !== 'pending').length || 1)}/${steps.length})`
      : '';
    const emergency = i.emergency ? ' :fire: emergency' : '';
    return `${STATE_EMOJI[i.state]} *${esc(i.service, 100)}* — ${i.state}${progress}${emergency} ${since} — ${who} — \`${esc(i.id, 100)}\``;
  });
  const chunks = packLines(lines, {
    maxChars: LIMITS.sectionText,
    maxChunks: LIMITS.blocks - 2,
    noun: 'rollbacks',
  });
  return {
    text: fallback([`${incidents.length} rollback${incidents.length === 1 ? '' : 's'} open:`, ...lines]),
    blocks: [header(`Rollbacks open: ${incidents.length}`), ...chunks.map(section)],
  };
}

export type { HistoryRevision } from '../../incidents/requests.js';

/** Content of a code block: no backticks (they would end it), entities escaped. */
function code(text: string): string {
  return esc(text.replace(/`/g, "'"), 10_000);
}

export function historyView(
  service: string,
  revisions: HistoryRevision[],
  opts: { now?: number } = {},
): View {
  const svc = esc(service, 100);
  if (!revisions.length) {
    const line = `No rollout history for ${svc}.`;
    return { text: line, blocks: [section(`:information_source: ${line}`)] };
  }
  const sorted = [...revisions].sort((a, b) => a.revision - b.revision);
  const rows = sorted.map((r) => {
    const created = r.createdAt ? Date.parse(r.createdAt) : NaN;
    const age = Number.isNaN(created)
      ? '-'
      : opts.now !== undefined
        ? formatAge(created, opts.now).replace(' ago', '')
        : (r.createdAt ?? '-');
    return [
      `${r.revision}${r.current ? '*' : ''}`,
      truncate(firstLine(r.changeCause ?? '') || '<none>', 60),
      truncate(r.images.map(imageTag).join(',') || '-', 40),
      age,
    ];
  });
  const headings = ['REVISION', 'CHANGE-CAUSE', 'IMAGE', 'AGE'];
  const widths = headings.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const fmt = (cells: string[]) =>
    cells
      .map((cell, c) => cell.padEnd(widths[c] ?? 0))
      .join('  ')
      .trimEnd();
  const lines = rows.map((r) => code(fmt(r)));
  // Each chunk is its own code block; leave room for the fences and the heading row.
  const headRow = code(fmt(headings));
  const chunks = packLines(lines, {
    maxChars: LIMITS.sectionText - headRow.length - 10,
    maxChunks: LIMITS.blocks - 3,
  });
  const blocks: KnownBlock[] = [header(`Rollout history: ${truncate(service, 100)}`)];
  for (const chunk of chunks) blocks.push(section('```' + headRow + '\n' + chunk + '```'));
  const current = sorted.find((r) => r.current);
  blocks.push(
    context(
      `\`*\` = current${current ? ` (revision ${current.revision})` : ''} · roll back with \`/rollback ${svc} to &lt;revision&gt;\``,
    ),
  );
  return {
    text: fallback([
      `Rollout history of ${svc}: ${sorted.length} revisions${current ? `, current ${current.revision}` : ''}`,
      ...lines.slice(-20),
    ]),
    blocks,
  };
}
