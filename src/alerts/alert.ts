/**
 * The one alert shape every webhook source maps to. Parsers (alertmanager.ts, grafana.ts,
 * generic.ts) produce `AlertBatch`es; routing, dedupe and incidents only ever see this type.
 */
import { createHash } from 'node:crypto';

export type AlertSource = 'alertmanager' | 'grafana' | 'generic';
export interface Alert {
  source: AlertSource;
  status: 'firing' | 'resolved';
  /** The payload's fingerprint, or `fingerprintOf(labels)` when absent. */
  fingerprint: string;
  /** Alertmanager/Grafana groupKey; generic: the given groupKey or the alert's fingerprint. */
  groupKey: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** ISO 8601, UTC. */
  startsAt: string;
  /** Absent when the payload says `0001-01-01T00:00:00Z` (Go's zero time) or nothing. */
  endsAt?: string;
  generatorURL?: string;
  dashboardURL?: string;
  panelURL?: string;
  silenceURL?: string;
  runbookURL?: string;
  /** annotations.summary ?? annotations.description ?? labels.alertname ?? 'alert' */
  summary: string;
  values?: Record<string, number>;
}

export interface AlertBatch {
  source: AlertSource;
  receiver?: string;
  groupKey: string;
  externalURL?: string;
  alerts: Alert[];
  /** How many alerts the sender left out (Alertmanager/Grafana `max_alerts`); absent when 0. */
  truncatedAlerts?: number;
}

/**
 * A stable fingerprint for an alert that came without one: sha256 over the labels sorted by
 * name (as JSON `[[name, value], …]`), first 16 hex digits — the same width Alertmanager uses.
 */
export function fingerprintOf(labels: Record<string, string>): string {
  const sorted = Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 16);
}

/** annotations.summary ?? annotations.description ?? labels.alertname ?? 'alert' (blank = absent). */
export function summaryOf(labels: Record<string, string>, annotations: Record<string, string>): string {
  for (const candidate of [annotations['summary'], annotations['description'], labels['alertname']]) {
    if (candidate !== undefined && candidate.trim() !== '') return candidate;
  }
  return 'alert';
}

/** The runbook link by Prometheus convention (`runbook_url`), or `runbook`. */
export function runbookURLOf(annotations: Record<string, string>): string | undefined {
  return nonEmpty(annotations['runbook_url']) ?? nonEmpty(annotations['runbook']);
}

export function nonEmpty(value: string | undefined | null): string | undefined {
  return value === undefined || value === null || value === '' ? undefined : value;
}

/** Go marshals an unset time.Time as 0001-01-01T00:00:00Z; anything at or before it means "no time". */
const GO_ZERO_TIME_MS = Date.parse('0001-01-01T00:00:00Z');

/** An RFC 3339 timestamp (already validated) as ISO 8601 UTC, or undefined for Go's zero time. */
export function isoOrUndefined(value: string | undefined | null): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms) || ms <= GO_ZERO_TIME_MS) return undefined;
  return new Date(ms).toISOString();
}
