import type { IncomingMessage, ServerResponse } from 'node:http';
import { SlackApiFailure } from './content.js';
import type { SlackFaults } from './faults.js';
import { delay, parseArgs, readBody, sendJson } from './http-util.js';
import type { MethodContext, MethodHandler } from './methods.js';
import { chatMethods } from './methods-chat.js';
import { infoMethods } from './methods-info.js';

/**
 * `POST <url>/api/<method>`: token check, injected faults, the method itself, and the record of
 * the call. Like Slack, errors are HTTP 200 `{ ok: false, error }`, except rate limits (429 +
 * Retry-After: the per-method tiers in rate-limit.ts, chat.postMessage's per-channel limit in its
 * handler) and injected 5xx.
 */
const METHODS: Record<string, MethodHandler> = { ...chatMethods, ...infoMethods };
const SCOPES = 'commands,chat:write,chat:write.public,usergroups:read,users:read';

export interface WebApiOptions {
  ctx: MethodContext;
  faults: SlackFaults;
  tokens: ReadonlySet<string>;
}

export async function handleWebApi(
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  opts: WebApiOptions,
) {
  const { state } = opts.ctx;
  const raw = req.method === 'POST' ? await readBody(req) : '';
  const query = Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams);
  const parsed = parseArgs(req.headers['content-type'], raw);
  const args: Record<string, unknown> = { ...query, ...(parsed ?? {}) };
  const headerToken = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
  const token = headerToken ?? (typeof args.token === 'string' ? args.token : undefined);
  delete args.token;

  const answer = (status: number, result: Record<string, unknown>, headers: Record<string, string> = {}) => {
    state.recordCall({ method, args, status, result, at: state.now() });
    sendJson(res, status, result, { 'x-oauth-scopes': SCOPES, ...headers });
  };

  if (parsed === undefined) return answer(200, { ok: false, error: 'invalid_form_data' });
  const handler = METHODS[method];
  if (!handler) return answer(200, { ok: false, error: 'unknown_method', req_method: method });
  if (!token) return answer(200, { ok: false, error: 'not_authed' });
  if (!opts.tokens.has(token)) return answer(200, { ok: false, error: 'invalid_auth' });

  const fault = opts.faults.take(method);
  if (fault) {
    if (fault.delayMs) await delay(fault.delayMs);
    const status = fault.status ?? 200;
    if (status === 429) {
      const retryAfter = String(fault.retryAfter ?? 1);
      return answer(429, { ok: false, error: fault.error ?? 'ratelimited' }, { 'retry-after': retryAfter });
    }
    if (status !== 200 || fault.error)
      return answer(status, { ok: false, error: fault.error ?? 'fatal_error' });
  }

  const retryAfter = opts.ctx.limiter.takeMethod(method);
  if (retryAfter !== undefined)
    return answer(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(retryAfter) });

  try {
    answer(200, handler(opts.ctx, args));
  } catch (err) {
    if (!(err instanceof SlackApiFailure)) {
      return answer(500, { ok: false, error: 'internal_error', detail: (err as Error).message });
    }
    const headers: Record<string, string> =
      err.retryAfter !== undefined ? { 'retry-after': String(err.retryAfter) } : {};
    answer(err.status, { ok: false, error: err.error, ...err.extra }, headers);
  }
}
