/**
 * The simulated services' request counters, in Prometheus' text exposition format (0.0.4), so a
 * real Prometheus can scrape them and evaluate real PromQL (`rate()` windows, scrape lag and
 * all) instead of the instant-query simulator's canned answers.
 *
 * Counters integrate over time: every `tickMs` (and on each scrape) each Ready pod adds
 * `perPodPerSecond × elapsed` requests, `whenBad` or `whenGood` of them 5xx depending on whether
 * its image is bad. So a rollout that replaces pods one by one shows up as a gradual change of
 * the error ratio, as it would in production.
 */
import type { ScenarioMetric } from '../scenario/schema.js';
import type { ServingView } from '../kube/index.js';
import { formatValue } from './query.js';

interface Service {
  namespace: string;
  deployment: string;
  labels: Record<string, string>;
  perPodPerSecond: number;
  whenBad: number;
  whenGood: number;
  ok: number;
  errors: number;
}

export interface RequestCounters {
  /** The exposition text of one Deployment, or undefined when it serves no counters. */
  render(namespace: string, deployment: string): string | undefined;
  /** Every Deployment's counters in one exposition. */
  renderAll(): string;
  stop(): void;
}

const HEADER = [
  '# HELP http_requests_total Requests served by the simulated service, by HTTP status code.',
  '# TYPE http_requests_total counter',
];

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

function series(labels: Record<string, string>, value: number): string {
  const text = Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
    .join(',');
  return `http_requests_total{${text}} ${formatValue(Math.round(value * 1000) / 1000)}`;
}

export function startRequestCounters(
  metrics: ScenarioMetric[],
  kube: ServingView,
  opts: { tickMs?: number; now?: () => number } = {},
): RequestCounters {
  const now = opts.now ?? Date.now;
  const services = new Map<string, Service>();
  for (const m of metrics) {
    // One set of counters per Deployment: the first metric that asks for requests defines it.
    if (!m.requests || services.has(m.deployment)) continue;
    const [namespace, deployment] = m.deployment.split('/') as [string, string];
    services.set(m.deployment, {
      namespace,
      deployment,
      labels: m.labels,
      perPodPerSecond: m.requests.perPodPerSecond,
      whenBad: m.whenBad,
      whenGood: m.whenGood,
      ok: 0,
      errors: 0,
    });
  }
  let last = now();
  const advance = () => {
    const t = now();
    const seconds = Math.max(0, (t - last) / 1000);
    last = t;
    for (const s of services.values()) {
      for (const image of kube.readyImages(s.namespace, s.deployment) ?? []) {
        const served = s.perPodPerSecond * seconds;
        const ratio = kube.imageState(image) === 'bad' ? s.whenBad : s.whenGood;
        s.errors += served * ratio;
        s.ok += served * (1 - ratio);
      }
    }
  };
  const timer = setInterval(advance, opts.tickMs ?? 250);
  timer.unref();
  const lines = (s: Service) => [
    series({ ...s.labels, code: '200' }, s.ok),
    series({ ...s.labels, code: '500' }, s.errors),
  ];
  return {
    render: (namespace, deployment) => {
      const s = services.get(`${namespace}/${deployment}`);
      if (!s) return undefined;
      advance();
      return [...HEADER, ...lines(s), ''].join('\n');
    },
    renderAll: () => {
      advance();
      return [...HEADER, ...[...services.values()].flatMap(lines), ''].join('\n');
    },
    stop: () => clearInterval(timer),
  };
}
