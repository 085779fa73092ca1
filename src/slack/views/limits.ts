/**
 * Slack's Block Kit limits (reference/slack.md) and the helpers that keep every view inside them.
 * Slack rejects a whole message when one element is too long, so views truncate at build time
 * and tests run `validateBlocks` over every view, including absurdly large incidents.
 */
import type { KnownBlock } from '@slack/types';
import { escapeText } from '../../core/text.js';

export const LIMITS = {
  blocks: 50,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  contextText: 3000,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  id: 255,
  /** Slack truncates `text` beyond 40k; we stay far below, it is a notification fallback. */
  fallbackText: 4000,
} as const;

const ELLIPSIS = '…';

/** Plain truncation: at most `max` characters, ending in `…` when cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return ELLIPSIS.slice(0, max);
  return text.slice(0, max - 1).trimEnd() + ELLIPSIS;
}

/**
 * Untrusted text (alert summaries, commit messages, reasons) made safe for mrkdwn — the one
 * escaping helper (core/text.ts): entities for `&`, `<`, `>`, backticks replaced so the text never
 * opens code — and cut to `max` characters *after* escaping, never leaving half an entity (`&am…`).
 */
export function esc(text: string, max: number = LIMITS.sectionText): string {
  const escaped = escapeText('mrkdwn', text);
  if (escaped.length <= max) return escaped;
  const cut = escaped.slice(0, Math.max(0, max - 1)).replace(/&[a-z]*$/, '');
  return cut.trimEnd() + ELLIPSIS;
}

/** First line of a (commit) message, whitespace collapsed. */
export function firstLine(text: string): string {
  return (text.split(/\r?\n/)[0] ?? '').replace(/\s+/g, ' ').trim();
}

/**
 * Joins whole lines (never cutting one in half, so links and mentions stay intact) until the
 * next would pass `maxChars` or `maxLines`, then adds "and N more <noun>".
 */
export function capLines(
  lines: readonly string[],
  opts: { maxChars: number; maxLines?: number; noun?: string; separator?: string },
): string {
  const sep = opts.separator ?? '\n';
  const maxLines = opts.maxLines ?? Infinity;
  const more = (n: number) => `_and ${n} more${opts.noun ? ` ${opts.noun}` : ''}_`;
  const reserve = more(lines.length).length + sep.length;
  const kept: string[] = [];
  let used = 0;
  for (const line of lines) {
    const cost = (kept.length ? sep.length : 0) + line.length;
    const rest = lines.length - kept.length - 1;
    const budget = rest > 0 ? opts.maxChars - reserve : opts.maxChars;
    if (kept.length >= maxLines || used + cost > budget) break;
    kept.push(line);
    used += cost;
  }
  if (kept.length < lines.length) kept.push(more(lines.length - kept.length));
  return truncate(kept.join(sep), opts.maxChars);
}

/**
 * Packs lines into as few chunks of at most `maxChars` as possible, at most `maxChunks`; the
 * last chunk ends with "and N more <noun>" when lines are left over. Used to spread a long list
 * over several sections.
 */
export function packLines(
  lines: readonly string[],
  opts: { maxChars: number; maxChunks: number; noun?: string },
): string[] {
  const chunks: string[] = [];
  let i = 0;
  while (i < lines.length && chunks.length < opts.maxChunks) {
    const last = chunks.length === opts.maxChunks - 1;
    let chunk: string[] = [];
    let used = 0;
    while (i < lines.length) {
      const line = truncate(lines[i] as string, opts.maxChars);
      const cost = (chunk.length ? 1 : 0) + line.length;
      if (chunk.length && used + cost > opts.maxChars) break;
      chunk.push(line);
      used += cost;
      i += 1;
    }
    if (last && i < lines.length) {
      const remaining = lines.slice(i - chunk.length);
      chunk = [capLines(remaining, { maxChars: opts.maxChars, ...(opts.noun ? { noun: opts.noun } : {}) })];
      i = lines.length;
    }
    chunks.push(chunk.join('\n'));
  }
  return chunks;
}

/**
 * A mrkdwn link `<url|label>`, or just the label when the URL is not http(s) or too long.
 * `label` must already be escaped; characters that would end the link early are percent-encoded.
 */
export function link(url: string | undefined, label: string): string {
  if (!url || !/^https?:\/\//i.test(url) || url.length > 1000) return label;
  const safe = url.replace(/[<>| ]/g, (c) => encodeURIComponent(c)).replace(/&/g, '&amp;');
  return `<${safe}|${label.replace(/[|>]/g, '')}>`;
}

/** Checks a message's blocks against Slack's limits; returns one message per problem. */
export function validateBlocks(blocks: readonly KnownBlock[]): string[] {
  const problems: string[] = [];
  const over = (where: string, what: string, len: number, max: number) => {
    if (len > max) problems.push(`${where}: ${what} is ${len} chars > ${max}`);
  };
  const text = (where: string, t: unknown, max: number) => {
    const o = t as { type?: string; text?: unknown } | undefined;
    if (!o || typeof o.text !== 'string') return problems.push(`${where}: missing text object`);
    if (o.type !== 'plain_text' && o.type !== 'mrkdwn') problems.push(`${where}: bad text type ${o.type}`);
    if (o.text.length === 0) problems.push(`${where}: empty text`);
    over(where, 'text', o.text.length, max);
    return undefined;
  };
  if (blocks.length === 0) problems.push('message has no blocks');
  if (blocks.length > LIMITS.blocks) problems.push(`message has ${blocks.length} blocks > ${LIMITS.blocks}`);
  const blockIds = new Set<string>();
  const actionIds = new Set<string>();
  let primaries = 0;
  blocks.forEach((b, i) => {
    const at = `blocks[${i}] (${b.type})`;
    const anyBlock = b as unknown as Record<string, unknown>;
    if (typeof anyBlock['block_id'] === 'string') {
      const id = anyBlock['block_id'];
      over(at, 'block_id', id.length, LIMITS.id);
      if (blockIds.has(id)) problems.push(`${at}: duplicate block_id ${id}`);
      blockIds.add(id);
    }
    switch (b.type) {
      case 'header':
        if (b.text.type !== 'plain_text') problems.push(`${at}: header text must be plain_text`);
        text(`${at}.text`, b.text, LIMITS.headerText);
        break;
      case 'section':
        if (!b.text && !b.fields?.length) problems.push(`${at}: section needs text or fields`);
        if (b.text) text(`${at}.text`, b.text, LIMITS.sectionText);
        if (b.fields) {
          if (b.fields.length > LIMITS.fields)
            problems.push(`${at}: ${b.fields.length} fields > ${LIMITS.fields}`);
          b.fields.forEach((f, j) => text(`${at}.fields[${j}]`, f, LIMITS.fieldText));
        }
        break;
      case 'context':
        if (b.elements.length === 0) problems.push(`${at}: context has no elements`);
        if (b.elements.length > LIMITS.contextElements)
          problems.push(`${at}: ${b.elements.length} context elements > ${LIMITS.contextElements}`);
        b.elements.forEach((e, j) => {
          if (e.type !== 'image') text(`${at}.elements[${j}]`, e, LIMITS.contextText);
        });
        break;
      case 'actions':
        if (b.elements.length === 0) problems.push(`${at}: actions block has no elements`);
        if (b.elements.length > LIMITS.actionsElements) problems.push(`${at}: too many actions`);
        b.elements.forEach((e, j) => {
          const where = `${at}.elements[${j}]`;
          if (e.type !== 'button') return;
          text(`${where}.text`, e.text, LIMITS.buttonText);
          if (e.text.type !== 'plain_text') problems.push(`${where}: button text must be plain_text`);
          if (e.value !== undefined) over(where, 'value', e.value.length, LIMITS.buttonValue);
          if (e.url !== undefined) over(where, 'url', e.url.length, LIMITS.buttonUrl);
          if (e.style === 'primary') primaries += 1;
          if (e.action_id !== undefined) {
            over(where, 'action_id', e.action_id.length, LIMITS.id);
            if (actionIds.has(e.action_id)) problems.push(`${where}: duplicate action_id ${e.action_id}`);
            actionIds.add(e.action_id);
          }
          const c = e.confirm;
          if (c) {
            if (c.title) text(`${where}.confirm.title`, c.title, LIMITS.confirmTitle);
            text(`${where}.confirm.text`, c.text, LIMITS.confirmText);
            if (c.confirm) text(`${where}.confirm.confirm`, c.confirm, LIMITS.confirmButton);
            if (c.deny) text(`${where}.confirm.deny`, c.deny, LIMITS.confirmButton);
          }
        });
        break;
      case 'divider':
        break;
      default:
        problems.push(`${at}: block type not used by rollbot views`);
    }
  });
  if (primaries > 1) problems.push(`message has ${primaries} primary buttons > 1`);
  return problems;
}

/** `validateBlocks` plus the fallback text: present, and not absurdly long. */
export function validateView(view: { text: string; blocks: KnownBlock[] }): string[] {
  const problems = validateBlocks(view.blocks);
  if (view.text.trim() === '') problems.push('fallback text is empty');
  if (view.text.length > LIMITS.fallbackText)
    problems.push(`fallback text is ${view.text.length} chars > ${LIMITS.fallbackText}`);
  return problems;
}
