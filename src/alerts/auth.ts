/**
 * Per-source webhook authentication, checked on the raw bytes before anything is parsed.
 *
 * - `bearer`: `Authorization: Bearer <token>`, or Basic auth whose password is the token
 *   (Alertmanager's http_config can send either). Lists allow rotation.
 * - `rollbot-hmac` (generic source): `X-Rollbot-Signature: v1=<hex HMAC-SHA256(secret,
 *   "{timestamp}.{raw body}")>` and `X-Rollbot-Timestamp: <unix seconds>`, ±5 minutes.
 * - `grafana-hmac`: grafana/alerting http/hmac.go — hex HMAC-SHA256(secret, raw body), or of
 *   "{timestamp}:{raw body}" when a timestamp header is configured (unix seconds, ±5 minutes).
 *   No prefix; default header `X-Grafana-Alerting-Signature` (hmac.go's `defaultHeaderName`; the
 *   "X-Grafana-Alert-Signature" in its doc comment is a typo no release ever sent).
 *
 * Every compare is constant time over equal-length digests; reasons never include secrets.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Clock } from '../core/clock.js';

export const DEFAULT_TOLERANCE_SECONDS = 300;
export const ROLLBOT_SIGNATURE_HEADER = 'x-rollbot-signature';
export const ROLLBOT_TIMESTAMP_HEADER = 'x-rollbot-timestamp';
export const GRAFANA_DEFAULT_SIGNATURE_HEADER = 'x-grafana-alerting-signature';

export type SourceAuthConfig =
  | { scheme: 'bearer'; tokens: readonly string[] }
  | { scheme: 'rollbot-hmac'; secrets: readonly string[]; toleranceSeconds?: number }
  | {
      scheme: 'grafana-hmac';
      secrets: readonly string[];
      /** Header carrying the signature; Grafana's default when absent. */
      header?: string;
      /** When set, Grafana sends unix seconds here and signs "{ts}:{body}"; the window applies. */
      timestampHeader?: string;
      toleranceSeconds?: number;
    };

export type AuthResult = { ok: true } | { ok: false; reason: string };

const denied = (reason: string): AuthResult => ({ ok: false, reason });
const OK: AuthResult = { ok: true };

/** Whether the scheme needs the body (HMAC) or can be decided from headers alone (bearer). */
export function authNeedsBody(config: SourceAuthConfig): boolean {
  return config.scheme !== 'bearer';
}

/** Throws at startup (not per request) when a config could never authenticate anything. */
export function assertUsableAuth(config: SourceAuthConfig): void {
  const secrets = config.scheme === 'bearer' ? config.tokens : config.secrets;
  if (secrets.length === 0 || secrets.some((s) => s.length < 16)) {
    throw new Error(`webhook ${config.scheme} auth needs at least one secret of 16+ characters`);
  }
}

export function authenticate(
  config: SourceAuthConfig,
  headers: IncomingHttpHeaders,
  rawBody: Buffer,
  clock: Pick<Clock, 'now'>,
): AuthResult {
  switch (config.scheme) {
    case 'bearer':
      return checkBearer(config.tokens, headers);
    case 'rollbot-hmac':
      return checkRollbotHmac(config, headers, rawBody, clock);
    case 'grafana-hmac':
      return checkGrafanaHmac(config, headers, rawBody, clock);
  }
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first.trim() === '' ? undefined : first.trim();
}

/** Constant-time string equality that leaks neither content nor length: compares sha256 digests. */
export function safeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db);
}

/** True when any candidate matches; checks them all so timing does not reveal which. */
function anyEqual(given: string, candidates: readonly string[]): boolean {
  let match = false;
  for (const c of candidates) match = safeEqual(given, c) || match;
  return match;
}

function checkBearer(tokens: readonly string[], headers: IncomingHttpHeaders): AuthResult {
  const auth = header(headers, 'authorization');
  if (!auth) return denied('missing Authorization header (expected Bearer token or Basic auth)');
  const space = auth.indexOf(' ');
  const scheme = (space < 0 ? auth : auth.slice(0, space)).toLowerCase();
  const credentials = space < 0 ? '' : auth.slice(space + 1).trim();
  let token: string;
  if (scheme === 'bearer') token = credentials;
  else if (scheme === 'basic') {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return denied('malformed Basic credentials');
    token = decoded.slice(colon + 1);
  } else return denied('unsupported Authorization scheme (expected Bearer or Basic)');
  if (token === '') return denied('empty credentials');
  return anyEqual(token, tokens) ? OK : denied('invalid credentials');
}

/** hex HMAC-SHA256 */
export function hmacHex(secret: string, message: Buffer | string): string {
  return createHmac('sha256', secret).update(message).digest('hex');
}

/** Compares a hex signature the sender gave with HMACs under each secret, in constant time. */
function signatureMatches(givenHex: string, secrets: readonly string[], message: Buffer): boolean {
  if (!/^[0-9a-fA-F]{64}$/.test(givenHex)) return false;
  const given = Buffer.from(givenHex, 'hex');
  let match = false;
  for (const secret of secrets) {
    const expected = createHmac('sha256', secret).update(message).digest();
    match = timingSafeEqual(given, expected) || match;
  }
  return match;
}

/** Checks a unix-seconds timestamp header against the clock, both directions. */
function checkTimestamp(raw: string, clock: Pick<Clock, 'now'>, toleranceSeconds: number): AuthResult {
  if (!/^\d{1,12}$/.test(raw)) return denied('timestamp must be unix seconds');
  const skew = Math.round(clock.now() / 1000) - Number(raw);
  if (Math.abs(skew) > toleranceSeconds) {
    const direction = skew > 0 ? `${skew} s old` : `${-skew} s in the future`;
    return denied(
      `timestamp outside the ${toleranceSeconds} s window (${direction}); check clocks or replay`,
    );
  }
  return OK;
}

/** The bytes rollbot-hmac signs: "{timestamp}.{raw body}". */
function rollbotMessage(timestamp: string, rawBody: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${timestamp}.`), rawBody]);
}

/** The value of X-Rollbot-Signature for a body, for senders, tests and the sandbox. */
export function signRollbot(secret: string, timestampSeconds: number, rawBody: Buffer | string): string {
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody) : rawBody;
  return `v1=${hmacHex(secret, rollbotMessage(String(timestampSeconds), body))}`;
}

function checkRollbotHmac(
  config: Extract<SourceAuthConfig, { scheme: 'rollbot-hmac' }>,
  headers: IncomingHttpHeaders,
  rawBody: Buffer,
  clock: Pick<Clock, 'now'>,
): AuthResult {
  const signature = header(headers, ROLLBOT_SIGNATURE_HEADER);
  if (!signature) return denied('missing X-Rollbot-Signature header');
  const timestamp = header(headers, ROLLBOT_TIMESTAMP_HEADER);
  if (!timestamp) return denied('missing X-Rollbot-Timestamp header');
  const window = checkTimestamp(timestamp, clock, config.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS);
  if (!window.ok) return window;
  // Several `v1=` entries (comma-separated) let a sender sign with old and new secret while rotating.
  const candidates = signature
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.startsWith('v1='))
    .map((part) => part.slice(3));
  if (candidates.length === 0) return denied('X-Rollbot-Signature must be v1=<hex HMAC-SHA256>');
  const message = rollbotMessage(timestamp, rawBody);
  let match = false;
  for (const c of candidates) match = signatureMatches(c, config.secrets, message) || match;
  return match ? OK : denied('signature does not match');
}

function checkGrafanaHmac(
  config: Extract<SourceAuthConfig, { scheme: 'grafana-hmac' }>,
  headers: IncomingHttpHeaders,
  rawBody: Buffer,
  clock: Pick<Clock, 'now'>,
): AuthResult {
  const headerName = config.header ?? GRAFANA_DEFAULT_SIGNATURE_HEADER;
  const signature = header(headers, headerName);
  if (!signature) return denied(`missing ${headerName} header`);
  let message = rawBody;
  if (config.timestampHeader) {
    const timestamp = header(headers, config.timestampHeader);
    if (!timestamp) return denied(`missing ${config.timestampHeader} header`);
    const window = checkTimestamp(timestamp, clock, config.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS);
    if (!window.ok) return window;
    message = Buffer.concat([Buffer.from(`${timestamp}:`), rawBody]);
  }
  return signatureMatches(signature, config.secrets, message) ? OK : denied('signature does not match');
}
