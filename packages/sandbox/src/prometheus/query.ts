/**
 * Answers instant queries from the scenario's `metrics`: a query matches when equal ignoring
 * whitespace; its value is `whenBad` while any Ready pod of its Deployment runs a bad image,
 * otherwise `whenGood`. Values are formatted as Prometheus formats floats (strconv 'f', -1).
 */
import type { ScenarioMetric } from '../scenario/schema.js';
import type { ServingView } from '../kube/index.js';

export function normalizeQuery(q: string): string {
  return q.replace(/\s+/g, '');
}

/** Go's strconv.FormatFloat(v, 'f', -1, 64) for the values a scenario uses; special values as Prometheus writes them. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const s = String(v);
  if (!/e/i.test(s)) return s;
  // Expand exponent notation without losing the shortest round-trip digits.
  const [mantissa, expText] = s.toLowerCase().split('e') as [string, string];
  const exp = Number(expText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const pointAt =
    (mantissa.replace('-', '').indexOf('.') === -1
      ? mantissa.replace('-', '').length
      : mantissa.replace('-', '').indexOf('.')) + exp;
  let out: string;
  if (pointAt <= 0) out = `0.${'0'.repeat(-pointAt)}${digits}`;
  else if (pointAt >= digits.length) out = digits + '0'.repeat(pointAt - digits.length);
  else out = `${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
  return negative ? `-${out}` : out;
}

/** True while any Ready pod of the Deployment runs an image marked bad. */
export function servingBad(kube: ServingView, namespace: string, deployment: string): boolean {
  return (kube.readyImages(namespace, deployment) ?? []).some((image) => kube.imageState(image) === 'bad');
}

export interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

export function evaluate(
  metrics: ScenarioMetric[],
  kube: ServingView,
  query: string,
  timeSeconds: number,
): VectorSample[] {
  const wanted = normalizeQuery(query);
  return metrics
    .filter((m) => normalizeQuery(m.query) === wanted)
    .map((m) => {
      const [namespace, deployment] = m.deployment.split('/') as [string, string];
      const value = servingBad(kube, namespace, deployment) ? m.whenBad : m.whenGood;
      return { metric: { ...m.labels }, value: [timeSeconds, formatValue(value)] };
    });
}
