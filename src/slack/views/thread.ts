/**
 * Thread replies (details that would crowd the main message) and the one-line result for the
 * channel (posted with reply_broadcast, and reused by the audit channel poster).
 */
import type { KnownBlock } from '@slack/types';
import type { Incident } from '../../incidents/incident.js';
import { type View, context, fallback, formatDuration, mention, revisionLabel, section } from './format.js';
import { LIMITS, esc, firstLine, packLines } from './limits.js';
import { STATE_EMOJI } from './progress.js';

/**
 * A thread reply. `text` is mrkdwn written by rollbot (escape user input with `esc`); long
 * text is split over several sections on line boundaries.
 */
export function threadNote(text: string, opts: { footer?: string } = {}): View {
  const chunks = packLines(text.split('\n'), {
    maxChars: LIMITS.sectionText,
    maxChunks: LIMITS.blocks - 1,
    noun: 'lines',
  });
  const blocks: KnownBlock[] = chunks.filter((c) => c.trim() !== '').map(section);
  if (!blocks.length) blocks.push(section('_(empty)_'));
  if (opts.footer) blocks.push(context(opts.footer));
  return { text: fallback([text]), blocks };
}

/** The reverted commits, in full, for the thread under a proposal (the proposal shows ~10). */
export function commitsThreadNote(incident: Incident): View {
  const lines = incident.plan.commits.map(
    (c) =>
      `\`${esc(c.sha.slice(0, 7), 40)}\` ${esc(firstLine(c.message), 200)}${c.author ? ` — ${esc(c.author, 80)}` : ''}`,
  );
  const head = `*${lines.length} commit${lines.length === 1 ? '' : 's'} reverted by this rollback*`;
  return threadNote(
    [head, ...lines, incident.plan.commitsNote ? `_${esc(incident.plan.commitsNote, 300)}_` : '']
      .filter(Boolean)
      .join('\n'),
  );
}

/** One line for the channel once the incident is final (or a short status line while open). */
export function resultLine(incident: Incident): View {
  const svc = esc(incident.service, 100);
  const exec = incident.execution;
  const target = incident.plan.target
    ? esc(revisionLabel(incident.plan.target), 120)
    : 'the previous revision';
  const took =
    exec?.startedAt !== undefined && exec.finishedAt !== undefined
      ? ` in ${formatDuration(exec.finishedAt - exec.startedAt)}`
      : '';
  const approvers = incident.approvals.length
    ? ` — approved by ${incident.approvals.map((a) => mention(a.id)).join(', ')}`
    : '';
  const by = incident.closedBy ? ` by ${mention(incident.closedBy.id)}` : '';
  const why = incident.closeReason ? `: ${esc(firstLine(incident.closeReason), 300)}` : '';
  let line: string;
  switch (incident.state) {
    case 'succeeded':
      line = `${svc} rolled back to ${target}${took}${approvers}`;
      break;
    case 'failed': {
      const f = exec?.failure;
      const where = f?.step ? ` at step \`${esc(f.step, 100)}\`` : '';
      line = `${svc} rollback failed${where}${f ? `: ${esc(firstLine(f.message), 300)}` : ''}${approvers}`;
      break;
    }
    case 'cancelled':
    case 'dismissed':
      line = `${svc} rollback ${incident.state}${by}${why}`;
      break;
    case 'expired':
      line = `${svc} rollback proposal expired${why}`;
      break;
    default:
      line = `${svc} rollback ${incident.state} → ${target}${approvers}`;
  }
  const full = `${STATE_EMOJI[incident.state]} ${incident.emergency ? ':fire: EMERGENCY ' : ''}${line} (\`${esc(incident.id, 100)}\`)`;
  return { text: fallback([full]), blocks: [section(full)] };
}
