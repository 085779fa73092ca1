/**
 * One message per group of alerts no runbook matched, in the fallback channel, so none is silently
 * dropped: each alert with its status (a resolved one shows as resolved), labels and links, edited
 * in place as the group changes. Takes plain data (incidents/ports.ts), never the alert module.
 */
import type { KnownBlock } from '@slack/types';
import type { UnroutedAlertInfo, UnroutedGroupInfo } from '../../incidents/ports.js';
import { type View, context, fallback, header, section, slackDate } from './format.js';
import { LIMITS, capLines, esc, firstLine, link } from './limits.js';

/** Alerts shown in full; the rest are counted (a group can hold hundreds). */
const SHOWN = 12;

function alertLines(a: UnroutedAlertInfo, now: number): string {
  const since = Date.parse(a.startsAt);
  const ended = a.endsAt ? Date.parse(a.endsAt) : NaN;
  const status =
    a.status === 'resolved'
      ? `:white_check_mark: resolved${Number.isNaN(ended) ? '' : ` at ${slackDate(ended, now)}`}`
      : `:rotating_light: firing${Number.isNaN(since) ? '' : ` since ${slackDate(since, now)}`}`;
  const labels = capLines(
    Object.entries(a.labels)
      .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
      .map(([k, v]) => `\`${esc(k, 100)}=${esc(v, 200)}\``),
    { maxChars: 900, maxLines: 12, noun: 'labels', separator: ' ' },
  );
  const links = [
    link(a.links.generatorURL, 'Alert source'),
    link(a.links.dashboardURL, 'Dashboard'),
    link(a.links.runbookURL, 'Runbook'),
    link(a.links.silenceURL, 'Silence'),
  ].filter((l) => l.startsWith('<'));
  return [
    `${status} — *${esc(firstLine(a.summary), 400) || 'alert'}*`,
    labels || '_no labels_',
    links.join(' · '),
  ]
    .filter(Boolean)
    .join('\n');
}

export function unroutedGroupView(group: UnroutedGroupInfo, opts: { now: number }): View {
  const firing = group.alerts.filter((a) => a.status === 'firing').length;
  const resolved = group.alerts.length - firing;
  const counts = [firing && `${firing} firing`, resolved && `${resolved} resolved`]
    .filter(Boolean)
    .join(', ');
  const why = esc(group.reason, 500) || 'no runbook matches their labels';
  // Firing first (what needs eyes), newest first within each.
  const ordered = [...group.alerts].sort(
    (a, b) =>
      Number(a.status === 'resolved') - Number(b.status === 'resolved') || (a.startsAt < b.startsAt ? 1 : -1),
  );
  const blocks: KnownBlock[] = [
    header(firing ? 'Alerts with no runbook' : 'Alerts with no runbook (resolved)'),
    section(`*${counts || 'no alerts'}* — ${why}. Add a \`match:\` to a runbook to route them.`),
    ...ordered.slice(0, SHOWN).map((a) => section(alertLines(a, opts.now))),
  ];
  const hidden = ordered.length - SHOWN;
  blocks.push(
    context(
      ...[
        hidden > 0 ? `and ${hidden} more alerts in this group` : '',
        `source: ${esc(group.source, 50)}`,
        `group \`${esc(group.groupKey, 200)}\``,
        `updated ${slackDate(group.updatedAt, opts.now)}`,
      ].filter(Boolean),
    ),
  );
  const head = group.alerts[0];
  return {
    text: fallback([
      `Unrouted alerts (${counts || 'none'}): ${esc(firstLine(head?.summary ?? ''), 300) || 'alert'} — ${why}`,
    ]),
    blocks: blocks.slice(0, LIMITS.blocks),
  };
}
