/**
 * Slack mrkdwn and Block Kit to HTML, for the console page. Everything from a message is escaped
 * before it becomes markup; links keep only http(s)/mailto targets. Pure functions over strings
 * (no DOM), so the tests run them as they are.
 */

/** Block Kit as it arrives over JSON: the fields the console draws, loosely typed. */
export interface TextObject {
  type: 'mrkdwn' | 'plain_text' | string;
  text: string;
}

export interface Confirm {
  title?: TextObject;
  text?: TextObject;
  confirm?: TextObject;
  deny?: TextObject;
  style?: 'primary' | 'danger' | string;
}

export interface BlockElement {
  type: string;
  text?: TextObject | string;
  action_id?: string;
  value?: string;
  url?: string;
  style?: string;
  confirm?: Confirm;
  image_url?: string;
  alt_text?: string;
}

interface RichTextSection {
  elements?: { type: string; text?: string; user_id?: string }[];
}

export interface Block {
  type: string;
  block_id?: string;
  text?: TextObject;
  fields?: TextObject[];
  accessory?: BlockElement;
  elements?: (BlockElement & RichTextSection)[];
  image_url?: string;
  alt_text?: string;
}

/** What a click on a drawn button needs; the markup carries its index in `RenderContext.buttons`. */
export interface ButtonRef {
  channel: string | undefined;
  ts: string | undefined;
  actionId: string | undefined;
  blockId: string | undefined;
  value: string | undefined;
  confirm: Confirm | null;
  label: string;
}

/** Names for ids (users, channels, user groups), and the buttons drawn so far. */
export interface RenderContext {
  users: Record<string, string>;
  channels: Record<string, string>;
  groups: Record<string, string>;
  buttons: ButtonRef[];
  /** The message being drawn (set by messageBody). */
  channel?: string | undefined;
  ts?: string | undefined;
}

export interface RenderableMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: Block[] | Record<string, unknown>[] | undefined;
}

const FENCE = /```([\s\S]*?)```/g;
const INLINE_CODE = /`([^`\n]+)`/g;
const EMOJI: Record<string, string> = {
  white_check_mark: '✅',
  heavy_check_mark: '✔️',
  x: '❌',
  rotating_light: '🚨',
  fire: '🔥',
  no_entry_sign: '🚫',
  no_entry: '⛔',
  memo: '📝',
  information_source: 'ℹ️',
  hourglass: '⌛',
  hourglass_flowing_sand: '⏳',
  heavy_multiplication_x: '✖️',
  zzz: '💤',
  white_circle: '⚪',
  wastebasket: '🗑️',
  red_circle: '🔴',
  large_green_circle: '🟢',
  large_blue_circle: '🔵',
  lock: '🔒',
  fast_forward: '⏩',
  rewind: '⏪',
  black_square_for_stop: '⏹️',
  bell: '🔔',
  arrows_counterclockwise: '🔄',
  warning: '⚠️',
  rocket: '🚀',
  eyes: '👀',
  link: '🔗',
  bust_in_silhouette: '👤',
  clock1: '🕐',
  stopwatch: '⏱️',
  mag: '🔍',
  octagonal_sign: '🛑',
  siren: '🚨',
  package: '📦',
  scroll: '📜',
  chart_with_upwards_trend: '📈',
  tada: '🎉',
};

export function esc(s: unknown): string {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
// Slack sends <, > and & as entities inside text; turn them back before escaping once.
function decode(s: string): string {
  return String(s).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
function emoji(html: string): string {
  return html.replace(/:([a-z0-9_+\-]+):/g, (all, name: string) => EMOJI[name] || all);
}
function emphasis(html: string): string {
  return html
    .replace(/(^|[^\w*])\*([^*\n]+?)\*(?![\w*])/g, '$1<strong>$2</strong>')
    .replace(/(^|[^\w_])_([^_\n]+?)_(?![\w_])/g, '$1<em>$2</em>')
    .replace(/(^|[^\w~])~([^~\n]+?)~(?![\w~])/g, '$1<del>$2</del>');
}

function token(inner: string, ctx: RenderContext): string {
  const bar = inner.indexOf('|');
  const target = bar >= 0 ? inner.slice(0, bar) : inner;
  const label = bar >= 0 ? inner.slice(bar + 1) : '';
  if (target.charAt(0) === '@') {
    const id = target.slice(1);
    return '<span class="mention">@' + esc(ctx.users[id] || label || id) + '</span>';
  }
  if (target.charAt(0) === '#') {
    const ch = target.slice(1);
    return '<span class="mention">#' + esc(ctx.channels[ch] || label || ch) + '</span>';
  }
  if (target.indexOf('!subteam^') === 0) {
    const group = target.slice(9);
    return '<span class="mention">' + esc(label || '@' + (ctx.groups[group] || group)) + '</span>';
  }
  if (target.charAt(0) === '!') return '<span class="mention">@' + esc(target.slice(1)) + '</span>';
  const href = decode(target);
  if (/^(https?:|mailto:)/i.test(href)) {
    const text = label ? emoji(emphasis(esc(decode(label)))) : esc(href);
    return '<a href="' + esc(href) + '" target="_blank" rel="noopener noreferrer">' + text + '</a>';
  }
  return esc('<' + decode(inner) + '>');
}

/** Slack mrkdwn: code blocks, inline code, links and mentions, *bold*, _italic_, ~strike~, emoji. */
export function mrkdwn(src: string | undefined | null, ctx: RenderContext): string {
  if (src === undefined || src === null) return '';
  const slots: string[] = [];
  const hold = (html: string) => {
    slots.push(html);
    return '\u0000' + (slots.length - 1) + '\u0000';
  };
  let s = String(src)
    .replace(FENCE, (_, code: string) =>
      hold('<pre class="code">' + esc(decode(code.replace(/^\n/, ''))) + '</pre>'),
    )
    .replace(INLINE_CODE, (_, code: string) => hold('<code>' + esc(decode(code)) + '</code>'))
    .replace(/<([^<>\n]+)>/g, (_, inner: string) => hold(token(inner, ctx)));
  s = emoji(emphasis(esc(decode(s)))).replace(/\n/g, '<br>');
  // A held piece may hold earlier ones (a link around inline code), so fill recursively.
  const fill = (str: string): string =>
    str.replace(/\u0000(\d+)\u0000/g, (_, i: string) => fill(slots[Number(i)]!));
  return fill(s);
}

export function text(t: TextObject | string | undefined, ctx: RenderContext): string {
  if (!t) return '';
  if (typeof t === 'string') return mrkdwn(t, ctx);
  return t.type === 'mrkdwn' ? mrkdwn(t.text, ctx) : emoji(esc(t.text || '')).replace(/\n/g, '<br>');
}

/** A button; what a click needs (and its confirm dialog) goes to ctx.buttons, the markup carries the index. */
function button(el: BlockElement, blockId: string | undefined, ctx: RenderContext): string {
  const cls = 'btn' + (el.style === 'primary' ? ' btn-primary' : el.style === 'danger' ? ' btn-danger' : '');
  const label = text(el.text, ctx);
  if (el.url)
    return (
      '<a class="' +
      cls +
      '" href="' +
      esc(el.url) +
      '" target="_blank" rel="noopener noreferrer">' +
      label +
      '</a>'
    );
  ctx.buttons.push({
    channel: ctx.channel,
    ts: ctx.ts,
    actionId: el.action_id,
    blockId: blockId,
    value: el.value,
    confirm: el.confirm || null,
    label: (typeof el.text === 'object' && el.text.text) || el.action_id || '',
  });
  return (
    '<button type="button" class="' +
    cls +
    '" data-btn="' +
    (ctx.buttons.length - 1) +
    '" data-action-id="' +
    esc(el.action_id || '') +
    '">' +
    label +
    '</button>'
  );
}

function element(el: BlockElement | undefined, blockId: string | undefined, ctx: RenderContext): string {
  if (!el) return '';
  if (el.type === 'button') return button(el, blockId, ctx);
  if (el.type === 'image')
    return '<img src="' + esc(el.image_url || '') + '" alt="' + esc(el.alt_text || '') + '">';
  if (el.type === 'mrkdwn' || el.type === 'plain_text')
    return '<span>' + text(el as TextObject, ctx) + '</span>';
  return '<span class="b-unknown">[' + esc(el.type) + ']</span>';
}

function richText(b: Block): string {
  const out: string[] = [];
  (b.elements || []).forEach((sec) => {
    (sec.elements || []).forEach((e) => {
      out.push(e.text || (e.type === 'user' ? '@' + e.user_id : ''));
    });
  });
  return esc(out.join(''));
}

function block(b: Block, ctx: RenderContext): string {
  switch (b.type) {
    case 'header':
      return '<div class="b-header">' + text(b.text, ctx) + '</div>';
    case 'section': {
      let main = '';
      if (b.text) main += '<div class="b-text">' + text(b.text, ctx) + '</div>';
      if (b.fields && b.fields.length) {
        main +=
          '<div class="b-fields">' +
          b.fields.map((f) => '<div class="b-field">' + text(f, ctx) + '</div>').join('') +
          '</div>';
      }
      const acc = b.accessory
        ? '<div class="b-accessory">' + element(b.accessory, b.block_id, ctx) + '</div>'
        : '';
      return '<div class="b-section"><div class="b-section-main">' + main + '</div>' + acc + '</div>';
    }
    case 'context':
      return (
        '<div class="b-context">' +
        (b.elements || []).map((e) => element(e, b.block_id, ctx)).join('') +
        '</div>'
      );
    case 'divider':
      return '<hr class="b-divider">';
    case 'actions':
      return (
        '<div class="b-actions">' +
        (b.elements || []).map((e) => element(e, b.block_id, ctx)).join('') +
        '</div>'
      );
    case 'image':
      return '<img class="b-image" src="' + esc(b.image_url || '') + '" alt="' + esc(b.alt_text || '') + '">';
    case 'rich_text':
      return '<div class="b-text">' + richText(b) + '</div>';
    default:
      return '<div class="b-unknown">[' + esc(b.type) + ' block]</div>';
  }
}

/** A message's body: its blocks when it has any (Slack then shows no text), else its mrkdwn text. */
export function messageBody(m: RenderableMessage, ctx: RenderContext): string {
  ctx.channel = m.channel;
  ctx.ts = m.ts;
  if (m.blocks && m.blocks.length) return (m.blocks as Block[]).map((b) => block(b, ctx)).join('');
  return '<div class="b-text">' + mrkdwn(m.text || '', ctx) + '</div>';
}
