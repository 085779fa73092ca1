import { normaliseBlocks, validateBlocks } from './blocks.js';
import type { Block } from './types.js';

/** A Slack `ok:false` answer (HTTP 200 unless `status` says otherwise). */
export class SlackApiFailure extends Error {
  constructor(
    readonly error: string,
    readonly extra: Record<string, unknown> = {},
    readonly status = 200,
    readonly retryAfter?: number,
  ) {
    super(error);
  }
}

export const MAX_TEXT = 40_000;

/**
 * The message content of chat.postMessage / chat.update / response_url bodies, checked as Slack
 * checks it: `blocks` JSON (string or array), Block Kit limits, text length, text-or-blocks.
 */
export function messageContent(
  args: Record<string, unknown>,
  seed: () => string,
): { text: string; blocks?: Block[] | undefined } {
  let blocks: unknown = args.blocks;
  if (typeof blocks === 'string') {
    if (blocks.trim() === '') blocks = undefined;
    else {
      try {
        blocks = JSON.parse(blocks);
      } catch {
        throw new SlackApiFailure('invalid_blocks_format');
      }
    }
  }
  if (blocks !== undefined && !Array.isArray(blocks)) throw new SlackApiFailure('invalid_blocks_format');
  const text = args.text === undefined || args.text === null ? '' : String(args.text);
  const hasBlocks = Array.isArray(blocks) && blocks.length > 0;
  if (text === '' && !hasBlocks && !args.attachments) throw new SlackApiFailure('no_text');
  if (text.length > MAX_TEXT) throw new SlackApiFailure('msg_too_long');
  if (hasBlocks) {
    const problems = validateBlocks(blocks);
    if (problems.length > 0)
      throw new SlackApiFailure('invalid_blocks', { response_metadata: { messages: problems } });
    return { text, blocks: normaliseBlocks(blocks as Block[], seed) };
  }
  return { text };
}

export function flag(v: unknown): boolean {
  return v === true || v === 'true' || v === '1' || v === 1;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** A short random id like the block_ids Slack generates (`"aB3x9"`). */
export function shortId(): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (let i = 0; i < 5; i++) out += chars[Math.floor(Math.random() * chars.length)];
  return out;
}
