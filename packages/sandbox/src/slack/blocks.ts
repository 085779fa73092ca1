import type { Block } from './types.js';

/**
 * Block Kit validation as Slack applies it to chat.postMessage / chat.update / response_url:
 * the limits in reference/slack.md. Problems come back as Slack words them in
 * `response_metadata.messages`: `[ERROR] <what> [json-pointer:/blocks/0/text/text]`.
 */
const MESSAGE_BLOCK_TYPES = new Set([
  'section',
  'header',
  'divider',
  'context',
  'actions',
  'image',
  'rich_text',
  'markdown',
  'video',
  'file',
  'input',
]);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

class Problems {
  readonly list: string[] = [];
  add(pointer: string, what: string): void {
    this.list.push(`[ERROR] ${what} [json-pointer:${pointer}]`);
  }
  maxLen(pointer: string, value: unknown, max: number): void {
    if (typeof value === 'string' && value.length > max)
      this.add(pointer, `must be less than ${max + 1} characters`);
  }
}

function textObject(
  p: Problems,
  at: string,
  v: unknown,
  opts: { max: number; plainOnly?: boolean; min?: number },
): void {
  if (!isObj(v)) return p.add(at, 'must provide an object');
  if (v.type !== 'plain_text' && v.type !== 'mrkdwn')
    return p.add(`${at}/type`, 'must be a valid enum value');
  if (opts.plainOnly && v.type !== 'plain_text') p.add(`${at}/type`, 'must be a valid enum value');
  if (typeof v.text !== 'string') return p.add(`${at}/text`, 'must provide a string');
  if (v.text.length < (opts.min ?? 1)) p.add(`${at}/text`, 'must be more than 0 characters');
  p.maxLen(`${at}/text`, v.text, opts.max);
}

function confirm(p: Problems, at: string, v: unknown): void {
  if (!isObj(v)) return p.add(at, 'must provide an object');
  textObject(p, `${at}/title`, v.title, { max: 100, plainOnly: true });
  textObject(p, `${at}/text`, v.text, { max: 300 });
  textObject(p, `${at}/confirm`, v.confirm, { max: 30, plainOnly: true });
  textObject(p, `${at}/deny`, v.deny, { max: 30, plainOnly: true });
  if (v.style !== undefined && v.style !== 'primary' && v.style !== 'danger')
    p.add(`${at}/style`, 'must be a valid enum value');
}

interface Ctx {
  p: Problems;
  primaries: number;
  actionIds: Set<string>;
}

function element(c: Ctx, at: string, v: unknown): void {
  const { p } = c;
  if (!isObj(v) || typeof v.type !== 'string') return p.add(at, 'must provide an object with a type');
  if (typeof v.action_id === 'string') {
    p.maxLen(`${at}/action_id`, v.action_id, 255);
    if (c.actionIds.has(v.action_id)) p.add(`${at}/action_id`, 'action_id must be unique within a block');
    c.actionIds.add(v.action_id);
  }
  if (v.confirm !== undefined) confirm(p, `${at}/confirm`, v.confirm);
  if (v.type === 'button') {
    textObject(p, `${at}/text`, v.text, { max: 75, plainOnly: true });
    p.maxLen(`${at}/value`, v.value, 2000);
    p.maxLen(`${at}/url`, v.url, 3000);
    if (v.style !== undefined && v.style !== 'primary' && v.style !== 'danger')
      p.add(`${at}/style`, 'must be a valid enum value');
    if (v.style === 'primary') c.primaries += 1;
    if (c.primaries === 2 && v.style === 'primary')
      p.add(`${at}/style`, 'only one button per message may have style primary');
  } else if (v.type === 'image') {
    p.maxLen(`${at}/image_url`, v.image_url, 3000);
    p.maxLen(`${at}/alt_text`, v.alt_text, 2000);
  }
}

function block(c: Ctx, at: string, b: unknown, blockIds: Set<string>): void {
  const { p } = c;
  if (!isObj(b)) return p.add(at, 'must provide an object');
  if (typeof b.type !== 'string' || !MESSAGE_BLOCK_TYPES.has(b.type))
    return p.add(`${at}/type`, 'must be a valid enum value');
  if (b.block_id !== undefined) {
    if (typeof b.block_id !== 'string' || b.block_id.length === 0)
      p.add(`${at}/block_id`, 'must be a non-empty string');
    else {
      p.maxLen(`${at}/block_id`, b.block_id, 255);
      if (blockIds.has(b.block_id)) p.add(`${at}/block_id`, 'block_id must be unique within a message');
      blockIds.add(b.block_id);
    }
  }
  c.actionIds = new Set();
  switch (b.type) {
    case 'header':
      return textObject(p, `${at}/text`, b.text, { max: 150, plainOnly: true });
    case 'section': {
      if (b.text === undefined && b.fields === undefined)
        return p.add(at, 'must provide either text or fields');
      if (b.text !== undefined) textObject(p, `${at}/text`, b.text, { max: 3000 });
      if (b.fields !== undefined) {
        if (!Array.isArray(b.fields) || b.fields.length === 0)
          return p.add(`${at}/fields`, 'must provide a non-empty array');
        if (b.fields.length > 10) p.add(`${at}/fields`, 'must provide no more than 10 items');
        b.fields.forEach((f, i) => textObject(p, `${at}/fields/${i}`, f, { max: 2000 }));
      }
      if (b.accessory !== undefined) element(c, `${at}/accessory`, b.accessory);
      return;
    }
    case 'context': {
      if (!Array.isArray(b.elements) || b.elements.length === 0)
        return p.add(`${at}/elements`, 'must provide a non-empty array');
      if (b.elements.length > 10) p.add(`${at}/elements`, 'must provide no more than 10 items');
      b.elements.forEach((e, i) => {
        if (isObj(e) && e.type === 'image') element(c, `${at}/elements/${i}`, e);
        else textObject(p, `${at}/elements/${i}`, e, { max: 3000 });
      });
      return;
    }
    case 'actions': {
      if (!Array.isArray(b.elements) || b.elements.length === 0)
        return p.add(`${at}/elements`, 'must provide a non-empty array');
      if (b.elements.length > 25) p.add(`${at}/elements`, 'must provide no more than 25 items');
      b.elements.forEach((e, i) => element(c, `${at}/elements/${i}`, e));
      return;
    }
    case 'image':
      return element(c, at, b);
    default:
      return;
  }
}

/** Problems with a message's `blocks` (already parsed from JSON); empty when Slack would accept them. */
export function validateBlocks(blocks: unknown): string[] {
  const p = new Problems();
  if (!Array.isArray(blocks)) {
    p.add('/blocks', 'must provide an array');
    return p.list;
  }
  if (blocks.length > 50) p.add('/blocks', 'no more than 50 items allowed');
  const ctx: Ctx = { p, primaries: 0, actionIds: new Set() };
  const blockIds = new Set<string>();
  blocks.forEach((b, i) => block(ctx, `/blocks/${i}`, b, blockIds));
  return p.list;
}

/**
 * What Slack stores: blocks without a `block_id` get a generated one, buttons without an
 * `action_id` too, so interaction payloads always carry both (as they do from real Slack).
 */
export function normaliseBlocks(blocks: Block[], seed: () => string): Block[] {
  return blocks.map((b) => {
    const out: Block = { ...b, block_id: typeof b.block_id === 'string' ? b.block_id : seed() };
    const withIds = (e: unknown): unknown =>
      isObj(e) &&
      e.type !== 'image' &&
      e.type !== 'plain_text' &&
      e.type !== 'mrkdwn' &&
      typeof e.action_id !== 'string'
        ? { ...e, action_id: seed() }
        : e;
    if (Array.isArray(b.elements) && b.type === 'actions') out.elements = b.elements.map(withIds);
    if (isObj(b.accessory)) out.accessory = withIds(b.accessory);
    return out;
  });
}
