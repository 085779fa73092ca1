import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * The one place rollbot verifies Slack request signatures (Bolt's own check is switched off so
 * the logic is not duplicated). Stricter than bolt-js: timestamps too far in the future are
 * refused as well as stale ones, and duplicated headers are refused.
 */
export const MAX_SKEW_SECONDS = 300;

export type SignatureVerdict = { ok: true } | { ok: false; reason: string };

export function verifySlackSignature(
  signingSecret: string,
  headers: IncomingHttpHeaders,
  rawBody: Buffer,
  nowMs: number,
): SignatureVerdict {
  const sig = headers['x-slack-signature'];
  const ts = headers['x-slack-request-timestamp'];
  if (sig === undefined || ts === undefined)
    return { ok: false, reason: 'missing X-Slack-Signature or X-Slack-Request-Timestamp header' };
  if (Array.isArray(sig) || Array.isArray(ts) || sig.includes(',') || ts.includes(','))
    return { ok: false, reason: 'duplicated signature headers' };
  if (!/^\d{1,12}$/.test(ts))
    return { ok: false, reason: 'X-Slack-Request-Timestamp is not a Unix time in seconds' };
  const skew = Math.abs(Math.floor(nowMs / 1000) - Number(ts));
  if (skew > MAX_SKEW_SECONDS)
    return { ok: false, reason: `timestamp is ${skew}s away from now (limit ${MAX_SKEW_SECONDS}s)` };
  if (!sig.startsWith('v0=')) return { ok: false, reason: 'unknown signature version (expected v0=)' };
  const expected = Buffer.from(
    'v0=' + createHmac('sha256', signingSecret).update(`v0:${ts}:`).update(rawBody).digest('hex'),
  );
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'signature mismatch' };
  return { ok: true };
}
