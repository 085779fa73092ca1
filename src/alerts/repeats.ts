/**
 * Alerts seen before: how a group's summary grows as alerts join, and what a re-sent alert does
 * now that its incident moved on (join it, stay quiet inside the dismissal window, or propose
 * afresh). Alertmanager re-sends whole groups every group_interval and repeat_interval.
 */
import { type AlertSummary, type Incident, isOpen } from '../incidents/incident.js';
import type { IncidentRepository } from '../incidents/repository.js';
import type { Alert } from './alert.js';

const MAX_KEYS = 200;
const identity = (a: Alert) => `${a.fingerprint}@${a.startsAt}`;

export function summarize(prev: AlertSummary | undefined, fresh: Alert[], now: number): AlertSummary {
  const first = fresh[0]!;
  const keys = [...new Set([...(prev?.keys ?? []), ...fresh.map(identity)])];
  return {
    count: keys.length,
    deliveries: (prev?.deliveries ?? 0) + 1,
    firing: (prev?.firing ?? 0) + fresh.length,
    keys: keys.slice(-MAX_KEYS),
    groupKeys: [...new Set([...(prev?.groupKeys ?? []), ...fresh.map((a) => a.groupKey)])].slice(-20),
    firstAt: prev?.firstAt ?? Math.min(...fresh.map((a) => Date.parse(a.startsAt) || now)),
    lastAt: now,
    summary: prev?.summary ?? first.summary,
    labels: prev?.labels ?? first.labels,
    links: prev?.links ?? {
      generatorURL: first.generatorURL,
      dashboardURL: first.dashboardURL,
      runbookURL: first.runbookURL,
    },
    resolvedAt: undefined,
  };
}

/** The newest incident in a chain of superseded proposals (the alerts moved with each one). */
export async function latest(repo: IncidentRepository, id: string): Promise<Incident | null> {
  let incident = await repo.get(id);
  for (let hop = 0; hop < 5 && incident?.state === 'superseded' && incident.supersededBy; hop++)
    incident = (await repo.get(incident.supersededBy)) ?? incident;
  return incident;
}

/**
 * What a re-sent alert does: join the open incident (counters), stay quiet (its incident ran, or
 * was dismissed less than the dismissal window ago), or reopen (the window passed, or the proposal
 * expired or was replaced without a successor): then it proposes afresh.
 */
export function repeatVerdict(incident: Incident | null, now: number): 'join' | 'quiet' | 'reopen' {
  if (!incident) return 'quiet';
  if (isOpen(incident)) return 'join';
  if (incident.state === 'expired' || incident.state === 'superseded') return 'reopen';
  const closedProposal =
    (incident.state === 'dismissed' || incident.state === 'cancelled') && !incident.execution;
  return closedProposal && incident.quietUntil !== undefined && now >= incident.quietUntil
    ? 'reopen'
    : 'quiet';
}
