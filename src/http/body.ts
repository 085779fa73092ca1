import type { IncomingMessage } from 'node:http';
import { RollbotError } from '../core/errors.js';

/** Reads a request body up to `limit` bytes; beyond it, stops reading and throws (413). */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      req.resume(); // drain without buffering so the client gets our answer
      throw tooLarge(limit);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function tooLarge(limit: number) {
  return new RollbotError('bad_input', `request body is larger than ${limit} bytes`, {
    details: { status: 413 },
    hint: 'send smaller batches',
  });
}
