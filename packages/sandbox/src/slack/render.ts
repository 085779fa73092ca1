/**
 * Plain-text rendering of Block Kit messages for transcripts and the terminal demo: headers,
 * sections (text + fields), context, dividers, actions as `[ Approve ] [ Dismiss ]`, and mrkdwn
 * links/mentions turned into readable text. Messages without blocks render their `text`.
 */
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface RenderOptions {
  /** User id → name, so `<@U0ALICE>` renders as `@alice`. */
  users?: Record<string, string> | undefined;
}

/** Turns mrkdwn markup that carries URLs or ids into plain text: `<url|text>` → `text (url)`. */
export function plainMrkdwn(text: string, opts: RenderOptions = {}): string {
  return text
    .replace(/<([^<>]+)>/g, (_all, inner: string) => {
      const [target, label] = splitOnce(inner, '|');
      if (target.startsWith('@')) return `@${label ?? opts.users?.[target.slice(1)] ?? target.slice(1)}`;
      if (target.startsWith('#')) return `#${label ?? target.slice(1)}`;
      if (target.startsWith('!subteam^')) return label ?? `@${target.slice(9)}`;
      if (target.startsWith('!date^')) return label ?? target;
      if (target.startsWith('!')) return `@${label ?? target.slice(1)}`;
      return label !== undefined && label !== target ? `${label} (${target})` : target;
    })
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

function textOf(t: unknown, opts: RenderOptions): string {
  if (!isObj(t) || typeof t.text !== 'string') return '';
  return t.type === 'mrkdwn' ? plainMrkdwn(t.text, opts) : t.text;
}

function elementText(e: unknown, opts: RenderOptions): string {
  if (!isObj(e)) return '';
  switch (e.type) {
    case 'button':
      return `[ ${textOf(e.text, opts)} ]`;
    case 'static_select':
    case 'users_select':
    case 'conversations_select':
    case 'channels_select':
    case 'external_select':
      return `[ ${textOf(e.placeholder, opts) || 'select'} ▾ ]`;
    case 'overflow':
      return '[ … ]';
    case 'image':
      return `[image: ${String(e.alt_text ?? '')}]`;
    case 'plain_text':
    case 'mrkdwn':
      return textOf(e, opts);
    default:
      return `[${String(e.type)}]`;
  }
}

function richText(e: unknown, opts: RenderOptions): string {
  if (!isObj(e)) return '';
  if (typeof e.text === 'string') return e.type === 'link' && e.url ? `${e.text} (${String(e.url)})` : e.text;
  if (e.type === 'user') return `@${opts.users?.[String(e.user_id)] ?? String(e.user_id)}`;
  if (e.type === 'link') return String(e.url ?? '');
  if (Array.isArray(e.elements)) return e.elements.map((x) => richText(x, opts)).join('');
  return '';
}

function renderBlock(b: unknown, opts: RenderOptions): string[] {
  if (!isObj(b)) return [];
  switch (b.type) {
    case 'header':
      return [`== ${textOf(b.text, opts)} ==`];
    case 'section': {
      const lines: string[] = [];
      if (b.text) lines.push(textOf(b.text, opts));
      if (Array.isArray(b.fields))
        for (const f of b.fields) lines.push(`  ${textOf(f, opts).replace(/\n/g, ' ')}`);
      if (b.accessory) lines.push(elementText(b.accessory, opts));
      return lines;
    }
    case 'divider':
      return ['----------------------------------------'];
    case 'context':
      return Array.isArray(b.elements) ? [b.elements.map((e) => elementText(e, opts)).join(' · ')] : [];
    case 'actions':
      return Array.isArray(b.elements) ? [b.elements.map((e) => elementText(e, opts)).join(' ')] : [];
    case 'image':
      return [elementText(b, opts)];
    case 'markdown':
      return [plainMrkdwn(String(b.text ?? ''), opts)];
    case 'rich_text':
      return Array.isArray(b.elements) ? b.elements.map((e) => richText(e, opts)) : [];
    default:
      return [`[${String(b.type)} block]`];
  }
}

/** One message as plain text (multi-line). Accepts stored messages or Slack message objects. */
export function renderMessage(
  message: { text?: string | undefined; blocks?: unknown },
  opts: RenderOptions = {},
): string {
  if (Array.isArray(message.blocks) && message.blocks.length > 0) {
    return message.blocks.flatMap((b) => renderBlock(b, opts)).join('\n');
  }
  return plainMrkdwn(message.text ?? '', opts);
}
