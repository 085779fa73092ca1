import type { AuditRecord } from '../audit/index.js';
import type { Incident } from '../incidents/incident.js';
import type { PostmortemInput, StepResult } from './input.js';

/**
 * Maps a finished incident and its audit records onto the postmortem template's input. Times
 * come from the incident (what happened) and the audit log (when it was recorded).
 */
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export function postmortemInput(incident: Incident, timeline: AuditRecord[]): PostmortemInput {
  const exec = incident.execution;
  const steps: StepResult[] = (exec?.steps ?? []).map((s) =>
    defined({
      id: s.id,
      type: s.type,
      status: s.status,
      durationMs: s.startedAt && s.finishedAt ? s.finishedAt - s.startedAt : undefined,
      output: s.error ? `${s.error.message}${s.error.hint ? ` — ${s.error.hint}` : ''}` : s.summary,
    }),
  );
  const verification = (exec?.steps ?? [])
    .filter((s) => s.phase === 'verification')
    .map((s) =>
      defined({
        name: s.id,
        passed: s.status === 'succeeded',
        detail: s.error?.message ?? s.summary,
        at: iso(s.finishedAt),
      }),
    );
  const posted = timeline.find((r) => r.action === 'proposal.posted')?.at;
  const result =
    incident.state === 'succeeded' ? 'succeeded' : incident.state === 'cancelled' ? 'cancelled' : 'failed';
  const alerts = incident.alerts;
  const links = alerts
    ? [
        alerts.links.generatorURL && { title: 'alert source', url: alerts.links.generatorURL },
        alerts.links.dashboardURL && { title: 'dashboard', url: alerts.links.dashboardURL },
        alerts.links.runbookURL && { title: 'runbook', url: alerts.links.runbookURL },
      ].filter((l): l is { title: string; url: string } => Boolean(l))
    : [];
  return defined({
    incidentId: incident.id,
    service: incident.service,
    namespace: incident.plan.namespace,
    deployment: incident.plan.deployment,
    result,
    stopped: exec?.stopped
      ? defined({
          by: incident.closedBy
            ? defined({ id: incident.closedBy.id, name: incident.closedBy.name })
            : undefined,
          summary: exec.stopped.summary,
          next: exec.stopped.next,
          changedCluster: exec.stopped.changedCluster,
        })
      : undefined,
    failureReason: exec?.failure
      ? `${exec.failure.step ? `step ${exec.failure.step}: ` : ''}${exec.failure.message}`
      : undefined,
    alert: alerts
      ? defined({
          name: alerts.labels['alertname'] ?? alerts.summary,
          summary: alerts.summary,
          severity: alerts.labels['severity'],
          labels: alerts.labels,
          links,
        })
      : undefined,
    times: defined({
      alertFirstSeen: iso(alerts?.firstAt),
      proposalPosted: posted ?? iso(incident.createdAt),
      approved: iso(incident.approvedAt),
      executionStarted: iso(exec?.startedAt),
      rolloutComplete: iso(exec?.rolloutCompleteAt),
      verificationPassed:
        incident.state === 'succeeded' ? iso(exec?.recoveredAt ?? exec?.finishedAt) : undefined,
      recovered: incident.state === 'succeeded' ? iso(exec?.recoveredAt ?? exec?.finishedAt) : undefined,
      finished: iso(exec?.finishedAt),
    }),
    requester: incident.requester
      ? defined({ id: incident.requester.id, name: incident.requester.name })
      : undefined,
    approvers: incident.approvals.map((a) => defined({ id: a.id, name: a.name })),
    breakGlass: incident.emergency ? true : undefined,
    reverted: defined({
      from: defined({
        revision: incident.plan.current.revision,
        image: incident.plan.current.images.join(', '),
        changeCause: incident.plan.current.changeCause,
      }),
      to: incident.plan.target
        ? defined({
            revision: incident.plan.target.revision,
            image: incident.plan.target.images.join(', '),
            changeCause: incident.plan.target.changeCause,
          })
        : {},
      commits: incident.plan.commits.map((c) =>
        defined({ sha: c.sha, message: c.message, author: c.author, url: c.url }),
      ),
      compareUrl: incident.plan.compareUrl,
    }),
    runbook: defined({
      name: incident.runbook.name,
      version: incident.runbook.version,
      sha256: incident.runbook.sha256,
      source: JSON.stringify(incident.runbook.source),
    }),
    steps,
    verification,
    timeline,
    threadUrl: incident.slack?.permalink,
  }) as PostmortemInput;
}
