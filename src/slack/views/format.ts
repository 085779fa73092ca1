/**
 * Small formatting pieces shared by the views: times (always UTC: an incident channel spans
 * time zones), durations, mentions, image tags, and Block Kit builders that truncate to fit.
 */
import type { ContextBlock, HeaderBlock, KnownBlock, SectionBlock } from '@slack/types';
import type { Incident, StepRecord } from '../../incidents/incident.js';
import { LIMITS, esc, truncate } from './limits.js';

/** What every view returns: a complete plain fallback and the blocks. */
export interface View {
  text: string;
  blocks: KnownBlock[];
}

/** "2.1 s", "1 m 05 s": the one human format (core/duration.ts). */
export { humanDuration as formatDuration } from '../../core/duration.js';

/** A window length for people: "30 minutes", "2 hours", "90 seconds". */
export function formatWindow(ms: number): string {
  const s = Math.round(ms / 1000);
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (s < 120) return plural(s, 'second');
  if (s < 7200 && s % 3600 !== 0) return plural(Math.round(s / 60), 'minute');
  return plural(Math.round(s / 3600), 'hour');
}

/** "2h ago", "3d ago", "just now": coarse, for ages of revisions and incidents. */
export function formatAge(then: number, now: number): string {
  const s = Math.floor((now - then) / 1000);
  if (s < 10) return 'just now';
  if (s < 60) return `${s}s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ago`;
  return `${Math.floor(h / 24)}d ago`;
}

/** "14:03 UTC" or, with seconds, "14:02:11 UTC"; the date is added when not today. */
export function formatUtc(at: number, opts: { seconds?: boolean; now?: number } = {}): string {
  const iso = new Date(at).toISOString();
  const time = iso.slice(11, opts.seconds ? 19 : 16);
  const sameDay =
    opts.now === undefined || iso.slice(0, 10) === new Date(opts.now).toISOString().slice(0, 10);
  return sameDay ? `${time} UTC` : `${iso.slice(0, 10)} ${time} UTC`;
}

/**
 * A time Slack shows in each reader's own time zone (`<!date^…^{time}|fallback>`); the fallback
 * (UTC) is what clients without date support and the notification text show.
 */
export function slackDate(at: number, now?: number, opts: { seconds?: boolean } = {}): string {
  const fallbackText = formatUtc(at, {
    ...(now !== undefined ? { now } : {}),
    seconds: opts.seconds === true,
  });
  const sameDay =
    now === undefined || new Date(at).toISOString().slice(0, 10) === new Date(now).toISOString().slice(0, 10);
  const time = opts.seconds ? '{time_secs}' : '{time}';
  const token = sameDay ? time : `{date_short_pretty} ${time}`;
  return `<!date^${Math.floor(at / 1000)}^${token}|${fallbackText}>`;
}

/** formatUtc's arguments, Slack's output: the time in each reader's zone, UTC as the fallback. */
export function slackTime(at: number, opts: { seconds?: boolean; now?: number } = {}): string {
  return slackDate(at, opts.now, { seconds: opts.seconds === true });
}

/**
 * Step summaries are plain text ("posted to channel C0PAYMENTS", the words every outlet can
 * show); in Slack the channel becomes a mention, `<#C0PAYMENTS>`, which each reader's client
 * shows as the channel's name and a link. `text` is already escaped (ids survive escaping).
 */
export function channelMentions(text: string): string {
  return text.replace(/\bchannel ([CG][A-Z0-9]{2,})\b/g, '<#$1>');
}

/** A Slack mention for a user (`U…`/`W…`) or user group (`S…`) id; anything else is escaped. */
export function mention(id: string): string {
  if (/^[UW][A-Z0-9]+$/.test(id)) return `<@${id}>`;
  if (/^S[A-Z0-9]+$/.test(id)) return `<!subteam^${id}>`;
  return esc(id, 100);
}

/** The tag of an image and "revision 2 (1.4.2)": the domain's words (plain text, not escaped). */
export { imageTag, revisionText as revisionLabel } from '../../incidents/describe.js';

/** How long a step ran (or has been running, at `now`). */
export function stepDuration(step: StepRecord, now: number): number | undefined {
  if (step.startedAt === undefined) return undefined;
  return (step.finishedAt ?? now) - step.startedAt;
}

/** Approval / break-glass settings read defensively from the runbook snapshot (`spec: unknown`). */
export interface ApprovalInfo {
  approvers: string[];
  breakGlassApprovers: string[];
  required: number;
  requesterMayApprove: boolean;
}

export function approvalInfo(incident: Incident): ApprovalInfo {
  const spec = (incident.runbook.spec ?? {}) as { approval?: Record<string, unknown> };
  const a = (spec.approval ?? {}) as {
    approvers?: { users?: unknown; groups?: unknown };
    required?: unknown;
    requesterMayApprove?: unknown;
    breakGlass?: { approvers?: { users?: unknown; groups?: unknown } };
  };
  const ids = (x?: { users?: unknown; groups?: unknown }) =>
    [x?.users, x?.groups].flatMap((list) =>
      Array.isArray(list) ? list.filter((v) => typeof v === 'string') : [],
    );
  return {
    approvers: ids(a.approvers),
    breakGlassApprovers: ids(a.breakGlass?.approvers),
    required: typeof a.required === 'number' && a.required >= 1 ? a.required : 1,
    requesterMayApprove: a.requesterMayApprove === true,
  };
}

/** "payments/payments-api" */
export function deploymentRef(incident: Incident): string {
  return `${incident.plan.namespace}/${incident.plan.deployment}`;
}

// ---- Block builders: each truncates its own text, so callers cannot exceed a limit. ----

export function header(text: string): HeaderBlock {
  return {
    type: 'header',
    text: { type: 'plain_text', text: truncate(text, LIMITS.headerText), emoji: true },
  };
}

/** `text` is mrkdwn the caller already escaped. */
export function section(text: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) || ' ' } };
}

export function fieldsSection(fields: string[]): SectionBlock {
  return {
    type: 'section',
    fields: fields
      .slice(0, LIMITS.fields)
      .map((f) => ({ type: 'mrkdwn', text: truncate(f, LIMITS.fieldText) || ' ' })),
  };
}

export function context(...parts: string[]): ContextBlock {
  return {
    type: 'context',
    elements: parts
      .filter((p) => p.trim() !== '')
      .slice(0, LIMITS.contextElements)
      .map((p) => ({ type: 'mrkdwn', text: truncate(p, LIMITS.contextText) })),
  };
}

/** Fallback text: lines joined, capped. */
export function fallback(lines: (string | undefined | false)[]): string {
  return truncate(
    lines.filter((l): l is string => typeof l === 'string' && l !== '').join('\n'),
    LIMITS.fallbackText,
  );
}
