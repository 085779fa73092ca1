/**
 * `http.check`: the endpoint must answer with an expected status (and body text) continuously
 * for `holdFor`, probed every `interval`. Read-only, so repeating it is always safe.
 */
import { RollbotError } from '../core/errors.js';
import { humanDuration as formatDuration } from '../core/duration.js';
import type { HttpCheckParams } from '../runbooks/steps-schema.js';
import { holdCheck, type Probe } from './hold.js';
import type { StepImplementation } from './types.js';

export const httpCheck: StepImplementation<HttpCheckParams> = {
  type: 'http.check',
  readOnly: true,
  defaultTimeoutMs: (p) => p.holdFor + Math.max(60_000, 10 * p.interval),
  async run(ctx) {
    const p = ctx.params;
    const want = `${p.expectStatus.join(' or ')}${p.bodyContains !== undefined ? ` with body containing ${JSON.stringify(p.bodyContains)}` : ''}`;
    const probe = async (signal: AbortSignal): Promise<Probe> => {
      const res = await ctx.fetch(p.url, {
        method: p.method,
        headers: p.headers,
        signal,
        redirect: 'manual',
      });
      const body = p.method === 'HEAD' ? '' : await res.text();
      const statusOk = p.expectStatus.includes(res.status);
      const bodyOk = p.bodyContains === undefined || body.includes(p.bodyContains);
      const seen = `HTTP ${res.status}${!bodyOk ? ` (body lacks ${JSON.stringify(p.bodyContains)}: ${JSON.stringify(body.slice(0, 120))})` : ''}`;
      return { ok: statusOk && bodyOk, seen, value: res.status };
    };
    const { last, probes } = await holdCheck(ctx, {
      holdForMs: p.holdFor,
      intervalMs: p.interval,
      probe,
      failure: (lastSeen, n, best) =>
        new RollbotError(
          'timeout',
          `${p.method} ${safeUrl(p.url)} did not hold ${want} for ${formatDuration(p.holdFor)}: last seen ${lastSeen?.seen ?? 'no answer'} (${n} probes, longest healthy stretch ${formatDuration(best)})`,
          {
            hint: 'check the service logs and its dependencies; the endpoint never stayed healthy long enough',
          },
        ),
    });
    return {
      summary: `${safeUrl(p.url)} answered ${last.seen} for ${formatDuration(p.holdFor)}`,
      output: { status: last.value, probes },
    };
  },
};

/** The URL without credentials or query string (tokens live there sometimes). */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    // Only for messages: the step itself fails on the bad URL with fetch's own error.
    return '(invalid URL)';
  }
}
