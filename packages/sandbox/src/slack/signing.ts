import { createHmac } from 'node:crypto';
import { request } from 'node:http';

/**
 * Request signing exactly as Slack does it: `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{raw body}`
 * keyed with the app's signing secret, sent in `X-Slack-Signature` beside
 * `X-Slack-Request-Timestamp` (Unix seconds).
 */
export function signSlackRequest(
  secret: string,
  body: string,
  timestampSeconds: number,
  version = 'v0',
): string {
  const hmac = createHmac('sha256', secret).update(`${version}:${timestampSeconds}:${body}`).digest('hex');
  return `${version}=${hmac}`;
}

export interface SignedRequest {
  url: string;
  body: string;
  /** Sent verbatim; Slack sends exactly `application/x-www-form-urlencoded` or `application/json`. */
  contentType?: string | undefined;
  /** Signs with this secret; omit together with explicit headers to send unsigned requests. */
  secret?: string | undefined;
  /** Unix seconds used for both the header and the signature (default: now). */
  timestamp?: number | undefined;
  /**
   * Header overrides for forging: a string replaces, an array sends the header once per value
   * (duplicated headers), `null` removes it. Keys are case-insensitive.
   */
  headers?: Record<string, string | string[] | null> | undefined;
  timeoutMs?: number | undefined;
}

export interface SignedResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Raw body text. */
  text: string;
  /** Milliseconds from sending the request to the complete answer. */
  ms: number;
  /** True when the answer did not arrive within `timeoutMs` (status 0). */
  timedOut: boolean;
}

/**
 * POSTs a body the way Slack delivers commands and interactions, with full control over the
 * signing headers so security tests can tamper with them. Uses node:http so duplicated headers
 * really go out twice and the content type is byte-for-byte what was asked.
 */
export function sendSigned(req: SignedRequest): Promise<SignedResponse> {
  const timestamp = req.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string | string[]> = {
    'Content-Type': req.contentType ?? 'application/x-www-form-urlencoded',
    'Content-Length': String(Buffer.byteLength(req.body)),
    'User-Agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    'X-Slack-Request-Timestamp': String(timestamp),
  };
  if (req.secret !== undefined)
    headers['X-Slack-Signature'] = signSlackRequest(req.secret, req.body, timestamp);
  for (const [name, value] of Object.entries(req.headers ?? {})) {
    const existing = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
    if (existing) delete headers[existing];
    if (value !== null) headers[existing ?? name] = value;
  }
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const r = request(req.url, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString('utf8'),
          ms: performance.now() - started,
          timedOut: false,
        }),
      );
      res.on('error', reject);
    });
    r.setTimeout(req.timeoutMs ?? 10_000, () => {
      r.destroy();
      resolve({ status: 0, headers: {}, text: '', ms: performance.now() - started, timedOut: true });
    });
    r.on('error', (err) => {
      if (r.destroyed && (err as NodeJS.ErrnoException).code === 'ECONNRESET') return;
      reject(err);
    });
    r.end(req.body);
  });
}
