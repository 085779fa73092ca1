import type { IncomingMessage, ServerResponse } from 'node:http';

/** Small helpers for the simulator's node:http handlers. */
export async function readBody(req: IncomingMessage, limit = 5 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Parses a form-encoded or JSON body into an argument object (form values stay strings). */
export function parseArgs(contentType: string | undefined, raw: string): Record<string, unknown> | undefined {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (raw === '') return {};
  if (type === 'application/json') {
    try {
      const parsed: unknown = JSON.parse(raw);
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : undefined;
    } catch {
      return undefined; // unreadable JSON counts as no arguments: the method then names what is missing, as Slack does
    }
  }
  if (type === 'application/x-www-form-urlencoded' || type === '')
    return Object.fromEntries(new URLSearchParams(raw));
  return undefined;
}

export const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
