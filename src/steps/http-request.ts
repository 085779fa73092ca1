/**
 * `http.request`: call an endpoint (turn a feature flag off, drain a queue…). Sends
 * `Idempotency-Key: <incident>:<step>`, the same on every attempt and after a resume, so a
 * server that honours the header applies the request once. 5xx and network errors are retryable;
 * other unexpected answers are not.
 */
import { RollbotError } from '../core/errors.js';
import type { HttpRequestParams } from '../runbooks/steps-schema.js';
import { safeUrl } from './http-check.js';
import type { StepImplementation } from './types.js';

export const httpRequest: StepImplementation<HttpRequestParams> = {
  type: 'http.request',
  readOnly: false,
  defaultTimeoutMs: () => 30_000,
  async run(ctx) {
    const p = ctx.params;
    const headers: Record<string, string> = { 'idempotency-key': `${ctx.incident.id}:${ctx.stepId}` };
    for (const [k, v] of Object.entries(p.headers)) headers[k.toLowerCase()] = v;
    let body: string | undefined;
    if (typeof p.body === 'string') body = p.body;
    else if (p.body !== undefined) {
      body = JSON.stringify(p.body);
      headers['content-type'] ??= 'application/json';
    }
    const where = `${p.method} ${safeUrl(p.url)}`;
    let res: Response;
    try {
      res = await ctx.fetch(p.url, {
        method: p.method,
        headers,
        signal: ctx.signal,
        ...(body !== undefined && { body }),
      });
    } catch (err) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      throw new RollbotError('upstream_failed', `${where} failed: ${(err as Error).message}`, {
        hint: 'check that the endpoint is reachable from rollbot',
        cause: err,
      });
    }
    const text = await res.text().catch(() => '');
    const ok = p.expectStatus ? p.expectStatus.includes(res.status) : res.status >= 200 && res.status < 300;
    if (!ok) {
      const message = `${where} answered HTTP ${res.status} (expected ${p.expectStatus?.join(' or ') ?? '2xx'}): ${text.slice(0, 200)}`;
      if (res.status >= 500 || res.status === 429)
        throw new RollbotError('upstream_failed', message, {
          hint: 'the endpoint failed; rollbot retries if the step allows it',
        });
      throw new RollbotError(res.status === 401 || res.status === 403 ? 'forbidden' : 'bad_input', message, {
        hint: 'check the URL, method, headers and body in the runbook',
      });
    }
    return { summary: `${where} → HTTP ${res.status}`, output: { status: res.status } };
  },
};
