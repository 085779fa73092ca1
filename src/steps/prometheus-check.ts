/**
 * `prometheus.check`: a PromQL instant query whose single value must stay below/above a threshold
 * for `holdFor`. When it never holds after the rollout itself completed, the message says the
 * metrics did not recover, so on-call looks beyond this release.
 */
import { RollbotError } from '../core/errors.js';
import { humanDuration as formatDuration } from '../core/duration.js';
import type { PrometheusCheckParams } from '../runbooks/steps-schema.js';
import { holdCheck, type Probe } from './hold.js';
import type { StepImplementation } from './types.js';

interface QueryResponse {
  status: 'success' | 'error';
  error?: string;
  data?: { resultType: string; result: unknown };
}

export const prometheusCheck: StepImplementation<PrometheusCheckParams> = {
  type: 'prometheus.check',
  readOnly: true,
  defaultTimeoutMs: (p) => p.holdFor + Math.max(120_000, 10 * p.interval),
  async run(ctx) {
    const p = ctx.params;
    const base = p.url ?? ctx.prometheusUrl;
    if (!base) {
      throw new RollbotError('config_invalid', 'prometheus.check has no Prometheus URL', {
        hint: 'set PROMETHEUS_URL, or give the step a url',
      });
    }
    const want = [p.below !== undefined && `below ${p.below}`, p.above !== undefined && `above ${p.above}`]
      .filter(Boolean)
      .join(' and ');
    const probe = async (signal: AbortSignal): Promise<Probe> => {
      const url = `${base.replace(/\/+$/, '')}/api/v1/query?query=${encodeURIComponent(p.query)}`;
      const res = await ctx.fetch(url, { signal, headers: { accept: 'application/json' } });
      const body = (await res.json().catch(() => null)) as QueryResponse | null;
      if (!res.ok || body?.status !== 'success') {
        return {
          ok: false,
          seen: `Prometheus answered HTTP ${res.status}${body?.error ? `: ${body.error}` : ''}`,
        };
      }
      const value = singleValue(body.data);
      if (typeof value === 'string') return { ok: false, seen: value };
      const ok =
        !Number.isNaN(value) &&
        (p.below === undefined || value < p.below) &&
        (p.above === undefined || value > p.above);
      return { ok, seen: `value ${value} (healthy ${want})`, value };
    };
    const { last, probes } = await holdCheck(ctx, {
      holdForMs: p.holdFor,
      intervalMs: p.interval,
      probe,
      failure: (lastSeen, n) => {
        const rolledOut = ctx.incident.execution?.rolloutCompleteAt !== undefined;
        const seen = `${p.query} did not stay ${want} for ${formatDuration(p.holdFor)}: last ${lastSeen?.seen ?? 'no answer'} (${n} queries)`;
        return rolledOut
          ? new RollbotError(
              'timeout',
              `metrics did not recover — the cause may not be this release: ${seen}`,
              {
                hint: 'the rollback itself completed; check dependencies, config and traffic before rolling back further',
              },
            )
          : new RollbotError('timeout', seen, { hint: 'check the dashboards for what the metric is doing' });
      },
    });
    return {
      summary: `${want}: ${last.seen} held ${formatDuration(p.holdFor)}`,
      output: { value: last.value, probes },
    };
  },
};

/** The one number of an instant query, or a sentence saying why there is none. */
function singleValue(data: QueryResponse['data']): number | string {
  if (!data) return 'Prometheus answered without data';
  if (data.resultType === 'scalar') return Number((data.result as [number, string])[1]);
  if (data.resultType === 'vector') {
    const series = data.result as { value: [number, string] }[];
    if (series.length === 0) return 'the query returned no series (no data)';
    if (series.length > 1)
      return `the query returned ${series.length} series; aggregate it to one value (sum, max…)`;
    return Number(series[0]!.value[1]);
  }
  return `unexpected result type ${data.resultType}; use an instant vector or scalar query`;
}
