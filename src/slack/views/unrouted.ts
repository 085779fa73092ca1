/**
 * An alert no runbook matched, posted to the fallback channel so it is not silently dropped.
 * Takes the fields of an `Alert` structurally (any parsed alert fits), never the alert module.
 */
import { type View, context, fallback, header, section } from './format.js';
import { capLines, esc, firstLine, link } from './limits.js';

export interface UnroutedAlert {
  summary: string;
  labels: Record<string, string>;
  source?: string | undefined;
  status?: 'firing' | 'resolved' | undefined;
  startsAt?: string | undefined;
  generatorURL?: string | undefined;
  dashboardURL?: string | undefined;
  runbookURL?: string | undefined;
}

export function unroutedAlertView(alert: UnroutedAlert, opts: { count?: number; why?: string } = {}): View {
  const labels = Object.entries(alert.labels)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `\`${esc(k, 100)}=${esc(v.replace(/`/g, "'"), 200)}\``);
  const labelText = capLines(labels, { maxChars: 2000, maxLines: 30, noun: 'labels', separator: ' ' });
  const count = opts.count && opts.count > 1 ? ` (${opts.count} alerts)` : '';
  const status = alert.status === 'resolved' ? ':white_check_mark: resolved' : ':rotating_light: firing';
  const why = opts.why ? esc(opts.why, 500) : 'no runbook matches its labels';
  const links = [
    link(alert.generatorURL, 'Alert source'),
    link(alert.dashboardURL, 'Dashboard'),
    link(alert.runbookURL, 'Runbook'),
  ].filter((l) => l.startsWith('<'));
  const summary = esc(firstLine(alert.summary), 500) || 'alert';
  return {
    text: fallback([`Unrouted alert${count}: ${summary} — ${why}`]),
    blocks: [
      header('Alert with no runbook'),
      section(`${status} *${summary}*${count}\n${why}. Add a \`match:\` to a runbook to route it.`),
      section(`*Labels*\n${labelText || '_none_'}`),
      context(
        ...[
          alert.source ? `source: ${esc(alert.source, 50)}` : '',
          alert.startsAt ? `since ${esc(alert.startsAt, 40)}` : '',
          links.join(' · '),
        ]
          .filter(Boolean)
          .concat(['rollbot']),
      ),
    ],
  };
}
