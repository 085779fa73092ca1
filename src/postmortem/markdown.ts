/** Small Markdown and time helpers for the postmortem template. */
import type { AuditActor } from '../audit/index.js';
import type { Instant, Person } from './input.js';

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

export function humanDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (ms > 0 && ms < 1000) return `${ms}ms`;
  const parts: string[] = [];
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d) parts.push(`${d}d`);
  if (h) parts.push(`${h}h`);
  if (m) parts.push(`${m}m`);
  if (s % 60 || parts.length === 0) parts.push(`${s % 60}s`);
  return parts.join(' ');
}

/** Text safe inside a table cell: one line, pipes escaped, capped. */
export function cell(text: string | undefined, max = 200): string {
  if (text === undefined || text === '') return '—';
  const one = text
    .replace(/\r?\n+/g, ' ')
    .replace(/\|/g, '\\|')
    .trim();
  return one.length > max ? one.slice(0, max - 1) + '…' : one;
}

/** Inline code that survives backticks in the value. */
export function code(text: string): string {
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}

export function person(p: Person | undefined): string {
  if (!p) return 'n/a';
  return p.name ? `${p.name} (${p.id})` : p.id;
}

export function actorName(a: AuditActor): string {
  if (a.type === 'user') return a.name ?? a.id;
  return a.name ?? 'rollbot';
}

export function link(title: string, url: string | undefined): string {
  return url ? `[${title.replace(/[[\]]/g, '\\$&')}](${url})` : title;
}
