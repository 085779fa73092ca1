/**
 * A runbook's `silence:` as two steps rollbot puts in the plan (step-book.ts planOf):
 * `alertmanager.silence` on approval, before anything changes, and `alertmanager.expireSilence`
 * after the last check passed. Alertmanager's v2 API (`POST /api/v2/silences`,
 * `DELETE /api/v2/silence/{id}`). Scoped to the incident: equality matchers on its own alert's
 * labels, AND the runbook's matchers; an incident without alert labels to scope it is not
 * silenced at all (never a blanket silence). Idempotent: a resumed run finds the silence it made
 * by the incident id in the comment instead of creating a second one.
 */
import { RollbotError } from '../core/errors.js';
import type { Incident } from '../incidents/incident.js';
import { parseMatcher } from '../runbooks/matchers.js';
import type { Runbook } from '../runbooks/schema.js';
import { safeUrl } from './http-check.js';
import type { StepContext, StepImplementation } from './types.js';

type SilenceParams = NonNullable<Runbook['silence']>;

/** One matcher as Alertmanager's v2 API writes it. */
export interface AmMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual: boolean;
}

interface AmSilence {
  id: string;
  status: { state: 'active' | 'pending' | 'expired' };
  comment: string;
  endsAt: string;
  matchers: AmMatcher[];
}

const CREATED_BY = 'rollbot';

/** The marker a silence's comment carries, so a resumed run recognises its own silence. */
export const silenceMarker = (incident: Incident) => `rollbot incident ${incident.id}`;

/** The silence's matchers: the alert's own labels (those listed and present), then the runbook's. */
export function silenceMatchers(incident: Incident, params: SilenceParams): AmMatcher[] {
  const labels = incident.alerts?.labels ?? {};
  const fromAlert = params.fromAlertLabels
    .filter((name) => labels[name])
    .map((name) => ({ name, value: labels[name]!, isRegex: false, isEqual: true }));
  if (!fromAlert.length) return [];
  const extra = params.matchers.map((text) => {
    const m = parseMatcher(text);
    return { name: m.name, value: m.value, isRegex: m.type.endsWith('~'), isEqual: !m.type.startsWith('!') };
  });
  return [...fromAlert, ...extra];
}

export const matcherText = (m: AmMatcher) =>
  `${m.name}${m.isEqual ? '' : '!'}${m.isRegex ? '=~' : '='}${JSON.stringify(m.value)}`;

function baseUrl(ctx: StepContext<{ url?: string | undefined }>): string {
  const base = ctx.params.url ?? ctx.alertmanagerUrl;
  if (!base)
    throw new RollbotError(
      'config_invalid',
      'the runbook asks for a silence but no Alertmanager is configured',
      {
        hint: 'set ALERTMANAGER_URL (or silence.url in the runbook)',
      },
    );
  return base.replace(/\/+$/, '');
}

async function call(ctx: StepContext<unknown>, url: string, init: RequestInit = {}): Promise<Response> {
  try {
    return await ctx.fetch(url, { ...init, signal: ctx.signal });
  } catch (err) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    throw new RollbotError(
      'upstream_failed',
      `Alertmanager at ${safeUrl(url)} is unreachable: ${(err as Error).message}`,
      {
        hint: 'check ALERTMANAGER_URL and that Alertmanager is up',
        cause: err,
      },
    );
  }
}

async function failed(res: Response, what: string): Promise<never> {
  const text = (await res.text().catch(() => '')).slice(0, 300);
  throw new RollbotError(
    res.status >= 500 ? 'upstream_failed' : 'bad_input',
    `Alertmanager refused to ${what}: HTTP ${res.status} ${text}`,
    {
      hint:
        res.status >= 500 ? 'rollbot retries if the step allows it' : "check the runbook's silence matchers",
    },
  );
}

export const alertmanagerSilence: StepImplementation<SilenceParams> = {
  type: 'alertmanager.silence',
  readOnly: false,
  defaultTimeoutMs: () => 30_000,
  async run(ctx) {
    const matchers = silenceMatchers(ctx.incident, ctx.params);
    if (!matchers.length)
      return {
        skipped: true,
        summary: `not silenced: the incident has no alert with ${ctx.params.fromAlertLabels.join('/')} labels to scope a silence to`,
      };
    const base = baseUrl(ctx);
    const marker = silenceMarker(ctx.incident);
    const shown = matchers.map(matcherText).join(', ');
    const listed = await call(ctx, `${base}/api/v2/silences`);
    if (!listed.ok) await failed(listed, 'list silences');
    const mine = ((await listed.json()) as AmSilence[]).find(
      (s) => s.status.state !== 'expired' && s.comment.startsWith(marker),
    );
    if (mine)
      return {
        summary: `silence ${mine.id} already in place: ${shown} until ${mine.endsAt}`,
        output: { silenceId: mine.id, matchers: shown, endsAt: mine.endsAt },
      };
    const now = ctx.clock.now();
    const endsAt = new Date(now + ctx.params.duration).toISOString();
    const link = ctx.incident.slack?.permalink;
    const res = await call(ctx, `${base}/api/v2/silences`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        matchers,
        startsAt: new Date(now).toISOString(),
        endsAt,
        createdBy: CREATED_BY,
        comment: `${marker}: rolling back ${ctx.incident.service}${link ? ` — ${link}` : ''}`,
      }),
    });
    if (!res.ok) await failed(res, 'create the silence');
    const { silenceID } = (await res.json()) as { silenceID: string };
    return {
      summary: `silenced ${shown} until ${endsAt} (silence ${silenceID})`,
      output: { silenceId: silenceID, matchers: shown, endsAt },
    };
  },
};

export const alertmanagerExpireSilence: StepImplementation<{ url?: string | undefined }> = {
  type: 'alertmanager.expireSilence',
  readOnly: false,
  defaultTimeoutMs: () => 30_000,
  async run(ctx) {
    const made = ctx.incident.execution?.steps.find((s) => s.type === 'alertmanager.silence');
    const id = made?.output?.['silenceId'];
    if (typeof id !== 'string') return { skipped: true, summary: 'no silence to expire' };
    const base = baseUrl(ctx);
    const res = await call(ctx, `${base}/api/v2/silence/${encodeURIComponent(id)}`, { method: 'DELETE' });
    if (!res.ok) {
      // Already expired (a resumed run, or someone expired it by hand) is what we wanted.
      const seen = await call(ctx, `${base}/api/v2/silence/${encodeURIComponent(id)}`);
      const state = seen.ok ? ((await seen.json()) as AmSilence).status.state : undefined;
      if (state !== 'expired') await failed(res, `expire silence ${id}`);
    }
    return { summary: `expired silence ${id}: verification passed`, output: { silenceId: id } };
  },
};
