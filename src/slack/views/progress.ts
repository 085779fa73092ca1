/**
 * Live progress: the proposal message updated in place (chat.update) once the incident leaves
 * `proposed`. No buttons: approval happened exactly once; cancelling is `/rollback cancel`.
 */
import type { KnownBlock } from '@slack/types';
import type { Incident, IncidentState, StepRecord, StepStatus } from '../../incidents/incident.js';
import {
  type View,
  context,
  deploymentRef,
  fallback,
  channelMentions,
  formatDuration,
  slackTime,
  header,
  slackDate,
  mention,
  revisionLabel,
  section,
  stepDuration,
} from './format.js';
import { LIMITS, esc, firstLine, link, packLines } from './limits.js';

export const STATE_EMOJI: Record<IncidentState, string> = {
  proposed: ':rotating_light:',
  approved: ':large_blue_circle:',
  running: ':arrows_counterclockwise:',
  succeeded: ':white_check_mark:',
  failed: ':x:',
  cancelled: ':no_entry_sign:',
  dismissed: ':heavy_multiplication_x:',
  superseded: ':arrows_clockwise:',
  expired: ':hourglass:',
};

const STATE_TITLE: Record<IncidentState, string> = {
  proposed: 'Rollback proposal',
  approved: 'Rollback approved',
  running: 'Rolling back',
  succeeded: 'Rolled back',
  failed: 'Rollback failed',
  cancelled: 'Rollback cancelled',
  dismissed: 'Rollback dismissed',
  superseded: 'Rollback proposal replaced',
  expired: 'Rollback proposal expired',
};

export const STEP_ICON: Record<StepStatus, string> = {
  pending: ':white_circle:',
  running: ':hourglass_flowing_sand:',
  succeeded: ':white_check_mark:',
  failed: ':x:',
  skipped: ':fast_forward:',
};

/** Blocks kept free for header, banners and context, so the step list never crowds them out. */
const RESERVED_BLOCKS = 10;

export function progressView(incident: Incident, opts: { now: number }): View {
  const { plan } = incident;
  const blocks: KnownBlock[] = [];
  const stopped = incident.state === 'cancelled' && incident.execution?.stopped;
  const title = `${stopped ? 'Rollback stopped' : STATE_TITLE[incident.state]}: ${incident.service}`;
  blocks.push(header(`${STATE_EMOJI[incident.state]} ${title}`));
  const text: (string | undefined)[] = [`${incident.emergency ? 'EMERGENCY (break-glass) ' : ''}${title}`];

  if (incident.emergency) blocks.push(section(':fire: *EMERGENCY (break-glass)* — every action is audited.'));

  const target = plan.target ? revisionLabel(plan.target) : 'no target';
  const planLine = `\`${esc(deploymentRef(incident), 300)}\`: ${esc(revisionLabel(plan.current), 100)} → ${esc(target, 100)}`;
  const approved = approvedLine(incident, opts.now);
  const alert = alertLine(incident, opts.now);
  blocks.push(section([planLine, approved, alert].filter(Boolean).join('\n')));
  text.push(planLine, approved, alert);

  const banner = finalBanner(incident, opts.now);
  if (banner) {
    blocks.push(section(banner));
    text.push(banner);
  }

  const steps = incident.execution?.steps ?? [];
  if (steps.length) {
    const lines: string[] = [];
    let phase: StepRecord['phase'] | undefined;
    for (const step of steps) {
      if (step.phase !== phase) {
        phase = step.phase;
        lines.push(phase === 'verification' ? '*Verification*' : '*Steps*');
      }
      lines.push(stepLine(step, opts.now));
    }
    const maxChunks = Math.max(1, LIMITS.blocks - RESERVED_BLOCKS - blocks.length);
    for (const chunk of packLines(lines, { maxChars: LIMITS.sectionText, maxChunks, noun: 'steps' })) {
      blocks.push(section(chunk));
    }
    const count = (status: StepStatus) => steps.filter((s) => s.status === status).length;
    const extra = (['failed', 'skipped'] as const)
      .filter((st) => count(st))
      .map((st) => `, ${count(st)} ${st}`);
    text.push(`Steps: ${count('succeeded')}/${steps.length} succeeded${extra.join('')}`);
    const current = steps.find((s) => s.status === 'running');
    if (current)
      text.push(
        `Running: ${esc(current.id, 100)}${current.summary ? ` — ${channelMentions(esc(firstLine(current.summary), 200))}` : ''}`,
      );
  }

  const footer: string[] = [];
  const stop = incident.execution?.cancelRequested;
  if ((incident.state === 'running' || incident.state === 'approved') && stop) {
    footer.push(
      `:octagonal_sign: stop requested by ${mention(stop.id)} at ${slackTime(stop.at, { seconds: true, now: opts.now })}: no further step starts`,
    );
  } else if (incident.state === 'running' || incident.state === 'approved') {
    footer.push(`To stop: \`/rollback cancel ${esc(incident.service, 100)}\``);
  }
  if (incident.execution?.resumedCount) {
    footer.push(`resumed ${incident.execution.resumedCount}× after an interrupted run`);
  }
  if (incident.postmortem?.url) footer.push(link(incident.postmortem.url, 'Postmortem'));
  footer.push(
    `Runbook \`${esc(incident.runbook.name, 100)}\` v${esc(incident.runbook.version, 50)}`,
    `\`${esc(incident.id, 100)}\``,
  );
  blocks.push(context(...footer));
  return { text: fallback(text), blocks: blocks.slice(0, LIMITS.blocks) };
}

/** The alert behind the rollback, still firing or resolved: Alertmanager's resolve shows up here. */
function alertLine(incident: Incident, now: number): string {
  const alerts = incident.alerts;
  if (!alerts) return '';
  const what = `Alert: ${esc(firstLine(alerts.summary), 300)}`;
  return alerts.resolvedAt !== undefined
    ? `${what} — :white_check_mark: resolved at ${slackTime(alerts.resolvedAt, { now })}`
    : `${what} — ${alerts.firing} firing`;
}

function approvedLine(incident: Incident, now: number): string {
  if (!incident.approvals.length) return '';
  const who = incident.approvals
    .slice(0, 10)
    .map(
      (a) =>
        `${mention(a.id)} at ${slackTime(a.at, { seconds: true, now })}${a.breakGlass ? ' (:fire: break-glass)' : ''}`,
    )
    .join(', ');
  return `Approved by ${who}`;
}

export function stepLine(step: StepRecord, now: number): string {
  const ms = stepDuration(step, now);
  const parts = [`${STEP_ICON[step.status]} *${esc(step.id, 100)}* \`${esc(step.type, 60)}\``];
  if (ms !== undefined) parts.push(formatDuration(ms));
  if (step.attempts > 1) parts.push(`attempt ${step.attempts}`);
  if (step.summary) parts.push(channelMentions(esc(firstLine(step.summary), 200)));
  let line = parts.join(' — ');
  if (step.status === 'failed' && step.error) line += `\n      _${esc(firstLine(step.error.message), 300)}_`;
  return line;
}

/** The final word: succeeded / failed / cancelled / dismissed / expired; nothing while open. */
function finalBanner(incident: Incident, now: number): string | undefined {
  const exec = incident.execution;
  const svc = esc(incident.service, 100);
  switch (incident.state) {
    case 'succeeded': {
      const on = landedOn(incident);
      const verify = verificationTime(incident);
      const took =
        exec?.startedAt !== undefined && exec.finishedAt !== undefined
          ? ` Took ${formatDuration(exec.finishedAt - exec.startedAt)}.`
          : '';
      return `:white_check_mark: *${svc} is back on ${esc(on, 150)}*; ${verify}.${took}`;
    }
    case 'failed': {
      const failedStep = exec?.steps.find((s) => s.status === 'failed');
      const stepId = exec?.failure?.step ?? failedStep?.id;
      const message = exec?.failure?.message ?? failedStep?.error?.message ?? 'unknown error';
      const hint =
        exec?.failure?.hint ??
        failedStep?.error?.hint ??
        `check \`kubectl rollout status deployment/${incident.plan.deployment} -n ${incident.plan.namespace}\` and the thread`;
      return [
        `:x: *Failed${stepId ? ` at step \`${esc(stepId, 100)}\`` : ''}:* ${esc(message, 1200)}`,
        `*What to do next:* ${esc(hint, 1200)}`,
      ].join('\n');
    }
    case 'cancelled': {
      const by = incident.closedBy ?? exec?.cancelRequested;
      if (exec?.stopped)
        return [
          closedLine(
            ':no_entry_sign: *Stopped*',
            by?.id,
            undefined,
            exec.finishedAt ?? incident.updatedAt,
            now,
          ) + ` — ${esc(exec.stopped.summary, 1000)}.`,
          `*What to do next:* ${esc(exec.stopped.next, 1000)}.`,
        ].join('\n');
      return (
        closedLine(':no_entry_sign: *Cancelled*', by?.id, incident.closeReason, incident.updatedAt, now) +
        quietLine(incident, now)
      );
    }
    case 'dismissed':
      if (!incident.closedBy)
        return `:heavy_multiplication_x: *Withdrawn* at ${slackTime(incident.updatedAt, { now })}${incident.closeReason ? ` — ${esc(incident.closeReason, 1000)}` : ''}.`;
      return (
        closedLine(
          ':heavy_multiplication_x: *Dismissed*',
          incident.closedBy.id,
          incident.closeReason,
          incident.updatedAt,
          now,
        ) + quietLine(incident, now)
      );
    case 'superseded': {
      const fresh = incident.supersededBy
        ? ` by a fresh proposal \`${esc(incident.supersededBy, 100)}\``
        : '';
      const why = incident.closeReason ? ` — ${esc(incident.closeReason, 1000)}` : '';
      return `:arrows_clockwise: *Replaced*${fresh} at ${slackTime(incident.updatedAt, { now })}${why}.`;
    }
    case 'expired':
      return (
        closedLine(':hourglass: *Expired*', undefined, incident.closeReason, incident.updatedAt, now) +
        `. ${svc} is free again: a new alert or \`/rollback ${svc}\` proposes afresh.`
      );
    default:
      return undefined;
  }
}

function closedLine(
  what: string,
  by: string | undefined,
  why: string | undefined,
  at: number,
  now: number,
): string {
  const who = by ? ` by ${mention(by)}` : '';
  const reason = why ? ` — ${esc(why, 1000)}` : '';
  return `${what}${who} at ${slackTime(at, { now })}${reason}`;
}

/** The dismissal window: "until 11:40" in each reader's own time zone (Slack date formatting). */
function quietLine(incident: Incident, now: number): string {
  if (incident.quietUntil === undefined || incident.quietUntil <= incident.updatedAt) return '';
  return `. Re-sends of its alert stay quiet until ${slackDate(incident.quietUntil, now)}; a new alert opens a fresh proposal.`;
}

/** The revision the Deployment ended on: the undo step's output when it reports one. */
function landedOn(incident: Incident): string {
  const target = incident.plan.target;
  const undo = incident.execution?.steps.find((s) => s.type === 'k8s.rolloutUndo');
  const out = undo?.output ?? {};
  const revision = [out['newRevision'], out['revision']].find(
    (v) => typeof v === 'number' || typeof v === 'string',
  );
  if (target && revision !== undefined) return revisionLabel({ ...target, revision: Number(revision) });
  return target ? revisionLabel(target) : 'the previous revision';
}

function verificationTime(incident: Incident): string {
  const checks = (incident.execution?.steps ?? []).filter((s) => s.phase === 'verification');
  if (!checks.length) return 'no verification configured';
  const starts = checks.map((s) => s.startedAt).filter((t): t is number => t !== undefined);
  const ends = checks.map((s) => s.finishedAt).filter((t): t is number => t !== undefined);
  if (!starts.length || !ends.length) return 'verification passed';
  return `verification passed in ${formatDuration(Math.max(...ends) - Math.min(...starts))}`;
}
