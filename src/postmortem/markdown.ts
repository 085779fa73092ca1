/** Small Markdown and time helpers for the postmortem template. */
import type { AuditActor } from '../audit/index.js';
import { escapeText } from '../core/text.js';
import type { Instant, Person } from './input.js';
import { humanDuration } from '../core/duration.js';

export function toMs(t: Instant | undefined): number | undefined {
  if (t === undefined) return undefined;
  const ms = t instanceof Date ? t.getTime() : Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

/** `2026-03-01 14:02:11 UTC`, or "n/a". */
export function utc(t: Instant | undefined): string {
  const ms = toMs(t);
  return ms === undefined ? 'n/a' : new Date(ms).toISOString().slice(0, 19).replace('T', ' ') + ' UTC';
}

/** `14:02:11` (for timeline rows, whose date is in the heading). */
export function utcTime(t: Instant | undefined): string {
  const ms = toMs(t);
  return ms === undefined ? 'n/a' : new Date(ms).toISOString().slice(11, 19);
}

/** `1h 2m 5s`, `45s`, `0s`; "n/a" when either end is missing or the order is impossible. */
export function between(from: Instant | undefined, to: Instant | undefined): string {
  const a = toMs(from);
  const b = toMs(to);
  if (a === undefined || b === undefined || b < a) return 'n/a';
  return humanDuration(b - a);
}

export { humanDuration };

/** Inline code that survives backticks in the value: a fence longer than any run inside it. */
export function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  return longest ? `${fence} ${text} ${fence}` : `\`${text}\``;
}

/**
 * Where the document goes decides how other people's words are escaped, once (core/text.ts):
 * `markdown` for the GitHub issue and the stored file, `plain` for the copy shown as source in a
 * Slack code block (made safe for Slack there, as a whole). Text inside `code()` needs neither.
 */
export type DocOutlet = 'markdown' | 'plain';

export interface Fmt {
  /** Someone else's words in running text. */
  text(s: string): string;
  /** One line in a table cell, capped at `max` characters before escaping. */
  cell(s: string | undefined, max?: number): string;
  person(p: Person | undefined): string;
  /** `title` is Markdown already (escaped, or code); the URL is kept whole. */
  link(title: string, url: string | undefined): string;
}

export function fmt(outlet: DocOutlet): Fmt {
  const text = (s: string) => escapeText(outlet === 'markdown' ? 'markdown' : 'plain', s);
  return {
    text,
    cell(s, max = 200) {
      if (s === undefined || s === '') return '—';
      const one = s.replace(/\r?\n+/g, ' ').trim();
      const cut = one.length > max ? one.slice(0, max - 1) + '…' : one;
      // `markdown` escapes the pipe with the rest; the plain copy still needs the table intact.
      return outlet === 'markdown' ? text(cut) : cut.replace(/\|/g, '\\|');
    },
    person: (p) => (!p ? 'n/a' : p.name ? `${text(p.name)} (${text(p.id)})` : text(p.id)),
    link: (title, url) =>
      // Characters that would end the link early are percent-encoded (the URL still works).
      url
        ? `[${title}](${url.replace(/[<>()\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)})`
        : title,
  };
}

export function actorName(a: AuditActor): string {
  if (a.type === 'user') return a.name ?? a.id;
  return a.name ?? 'rollbot';
}
