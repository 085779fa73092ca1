/**
 * The proposal: what will change before anything changes (DESIGN.md, "Who uses it"). Posted when
 * an alert fires or on `/rollback`; offers Approve (with a confirm dialog naming deployment and
 * target) only when there is something safe to approve.
 */
import type { ActionsBlock, Button, KnownBlock } from '@slack/types';
import type { CommitInfo, Incident, RevisionInfo } from '../../incidents/incident.js';
import {
  type View,
  approvalInfo,
  context,
  deploymentRef,
  fallback,
  fieldsSection,
  formatAge,
  slackTime,
  formatWindow,
  header,
  mention,
  revisionLabel,
  section,
} from './format.js';
import { LIMITS, capLines, esc, firstLine, link, truncate } from './limits.js';
import { gitopsLines, managerLines } from './gitops.js';
import { blockedLine, choiceLines, suspectLines } from './revisions.js';

export const APPROVE_ACTION = 'rollback_approve';
export const DISMISS_ACTION = 'rollback_dismiss';

const MAX_COMMITS = 10;

export function proposalView(incident: Incident, opts: { now: number }): View {
  const { plan } = incident;
  const blocks: KnownBlock[] = [];
  const text: (string | undefined)[] = [];
  const canApprove = plan.target !== null && !plan.noop && !incident.blocked;

  const title = `Rollback proposal: ${incident.service}`;
  // Break-glass must not look like the everyday proposal: its own header (siren, capitals), a
  // warning banner before anything else, and a red (danger) Approve button.
  blocks.push(
    header(
      incident.emergency
        ? `:rotating_light: EMERGENCY break-glass rollback: ${incident.service} :rotating_light:`
        : incident.origin === 'alert'
          ? `:rotating_light: ${title}`
          : title,
    ),
  );
  text.push(
    incident.emergency ? `:rotating_light: EMERGENCY break-glass rollback: ${incident.service}` : title,
  );

  if (incident.emergency) {
    blocks.push(
      section(
        ':fire: *EMERGENCY (break-glass)* — this rollback skips cooldowns and freeze windows; ' +
          'one break-glass approval is enough, and every action is audited.',
      ),
      { type: 'divider' },
    );
  }

  const alerts = incident.alerts;
  if (alerts) {
    const firing = `${alerts.firing} alert${alerts.firing === 1 ? '' : 's'} firing`;
    blocks.push(section(`:rotating_light: *${esc(firstLine(alerts.summary), 500)}*\n${firing}`));
    const links = [
      link(alerts.links.generatorURL, 'Alert source'),
      link(alerts.links.dashboardURL, 'Dashboard'),
      link(alerts.links.runbookURL, 'Runbook'),
    ].filter((l) => l.startsWith('<'));
    const resolved =
      alerts.resolvedAt === undefined
        ? ''
        : `:white_check_mark: resolved at ${slackTime(alerts.resolvedAt, { now: opts.now })}`;
    if (links.length || resolved) blocks.push(context(...[links.join(' · '), resolved].filter(Boolean)));
    text.push(`Alert: ${esc(firstLine(alerts.summary), 300)} (${firing})`);
    if (alerts.resolvedAt !== undefined)
      text.push(`Alert resolved at ${slackTime(alerts.resolvedAt, { now: opts.now })}`);
  }

  if (incident.requester) {
    const why = incident.reason ? ` because ${esc(firstLine(incident.reason), 1000)}` : '';
    const to =
      incident.request.toRevision !== undefined
        ? ` (asked for revision ${incident.request.toRevision})`
        : incident.request.toImageTag !== undefined
          ? ` (asked for image tag \`${esc(incident.request.toImageTag, 100)}\`)`
          : '';
    blocks.push(section(`Requested by ${mention(incident.requester.id)}${to}${why}`));
    text.push(`Requested by ${mention(incident.requester.id)}${why}`);
  }

  blocks.push(
    fieldsSection([
      revisionField('Current', plan.current, opts.now),
      plan.target ? revisionField('Target', plan.target, opts.now) : '*Target*\n:no_entry_sign: none',
      `*Deployment*\n\`${esc(deploymentRef(incident), 300)}\``,
      `*Runbook*\n${runbookLine(incident)}`,
    ]),
  );
  text.push(
    esc(
      `${deploymentRef(incident)}: ${revisionLabel(plan.current)} → ${plan.target ? revisionLabel(plan.target) : 'no target'}`,
      600,
    ),
  );

  const managed = [...managerLines(plan), ...gitopsLines(plan)];
  if (managed.length) {
    blocks.push(section(managed.join('\n')));
    text.push(...managed);
  }

  const info = approvalInfo(incident);
  const blocked = blockedLine(incident, info.breakGlassApprovers.map(mention), opts.now);
  if (blocked) {
    blocks.push(section(blocked));
    text.push(blocked);
  }
  if (!plan.target) {
    const why = plan.targetMissingReason ?? 'no earlier revision in the rollout history';
    blocks.push(section(`:no_entry_sign: *Nothing to roll back to:* ${esc(why, 1500)}`));
    blocks.push(
      section(
        `*Revisions you can name instead*\n${choiceLines(incident.service, plan.choices ?? [], opts.now)}`,
      ),
    );
    text.push(`Cannot roll back: ${esc(why, 500)}`);
  } else if (plan.noop) {
    blocks.push(section(`:information_source: *Nothing to do:* ${esc(plan.noop, 1500)}`));
    text.push(`Nothing to do: ${esc(plan.noop, 500)}`);
  }
  const suspects = suspectLines(plan, opts.now);
  if (suspects.length) {
    blocks.push(section(suspects.join('\n')));
    text.push(...suspects);
  }

  const commits = commitsBlock(incident);
  if (commits) blocks.push(commits.block);
  if (commits) text.push(commits.text);

  const who = approversLine(incident);
  blocks.push(context(who));
  text.push(who);

  blocks.push(actions(incident, canApprove));
  text.push(canApprove ? 'Approve or dismiss in Slack.' : 'Only Dismiss is offered.');
  return { text: fallback(text), blocks: blocks.slice(0, LIMITS.blocks) };
}

function revisionField(label: string, rev: RevisionInfo, now: number): string {
  const created = rev.createdAt ? Date.parse(rev.createdAt) : NaN;
  const age = Number.isNaN(created) ? '' : ` · deployed ${formatAge(created, now)}`;
  const images = capLines(
    rev.images.map((i) => `\`${esc(i, 300)}\``),
    { maxChars: 900, maxLines: 5, noun: 'images' },
  );
  const cause = rev.changeCause ? `\n_${esc(firstLine(rev.changeCause), 600)}_` : '';
  return `*${label}*\nrevision ${rev.revision}${age}\n${images || '_no images_'}${cause}`;
}

function runbookLine(incident: Incident): string {
  const rb = incident.runbook;
  return `\`${esc(rb.name, 200)}\` v${esc(rb.version, 100)} (sha \`${esc(rb.sha256.slice(0, 12), 12)}\`)`;
}

function commitLine(c: CommitInfo): string {
  const sha = c.sha.slice(0, 7);
  const author = c.author ? ` — ${esc(c.author, 80)}` : '';
  return `${link(c.url, `\`${esc(sha, 40)}\``)} ${esc(firstLine(c.message), 150)}${author}`;
}

function commitsBlock(incident: Incident): { block: KnownBlock; text: string } | undefined {
  const { commits, commitsNote, compareUrl } = incident.plan;
  if (!commits.length && !commitsNote) return undefined;
  const heading = `*Commits being reverted*${compareUrl ? ` (${link(compareUrl, 'compare')})` : ''}`;
  const lines = commits.map(commitLine);
  const note = commitsNote ? `_${esc(commitsNote, 300)}_` : '';
  const body = lines.length
    ? capLines(lines, {
        maxChars: LIMITS.sectionText - heading.length - note.length - 4,
        maxLines: MAX_COMMITS,
        noun: 'commits',
      })
    : '';
  const text = commits.length
    ? `Reverting ${commits.length} commit${commits.length === 1 ? '' : 's'}${commitsNote ? ` (${esc(commitsNote, 300)})` : ''}`
    : `Commits: ${esc(commitsNote ?? '', 300)}`;
  return { block: section([heading, body, note].filter(Boolean).join('\n')), text: truncate(text, 400) };
}

function approversLine(incident: Incident): string {
  const info = approvalInfo(incident);
  const pool =
    incident.emergency && info.breakGlassApprovers.length ? info.breakGlassApprovers : info.approvers;
  const required = incident.emergency ? 1 : info.required;
  const who = pool.length ? pool.slice(0, 20).map(mention).join(', ') : '_see the runbook_';
  const parts = [
    `${incident.emergency ? 'Break-glass approvers' : 'Approvers'}: ${who}`,
    required > 1 ? `${required} approvals required` : '1 approval required',
  ];
  if (incident.approvals.length) {
    parts.push(
      `${incident.approvals.length} of ${required} approvals: ${incident.approvals.map((a) => mention(a.id)).join(', ')}`,
    );
  }
  if (!info.requesterMayApprove && incident.requester) parts.push('the requester may not approve');
  return parts.join(' · ');
}

/** The runbook's dismissal window (ms), read defensively from the snapshot; default 30 minutes. */
function approvalWindow(incident: Incident): number {
  const w = (incident.runbook.spec as { approval?: { dismissalWindow?: unknown } } | undefined)?.approval
    ?.dismissalWindow;
  return typeof w === 'number' && w >= 0 ? w : 30 * 60_000;
}

function actions(incident: Incident, canApprove: boolean): ActionsBlock {
  const value = truncate(incident.id, LIMITS.buttonValue);
  const quiet = formatWindow(approvalWindow(incident));
  const dismiss: Button = {
    type: 'button',
    action_id: DISMISS_ACTION,
    text: { type: 'plain_text', text: 'Dismiss' },
    value,
    confirm: {
      title: { type: 'plain_text', text: truncate(`Dismiss for ${incident.service}?`, LIMITS.confirmTitle) },
      text: {
        type: 'plain_text',
        text: truncate(
          `Dismiss the rollback proposal for ${incident.service}? Nothing changes in the cluster; re-sends of this alert stay quiet for ${quiet}.`,
          LIMITS.confirmText,
        ),
      },
      confirm: { type: 'plain_text', text: 'Dismiss' },
      deny: { type: 'plain_text', text: 'Keep it' },
    },
  };
  const elements: Button[] = [dismiss];
  if (canApprove && incident.plan.target) {
    const question = `Roll back ${deploymentRef(incident)} from ${revisionLabel(incident.plan.current)} to ${revisionLabel(incident.plan.target)}?`;
    elements.unshift({
      type: 'button',
      action_id: APPROVE_ACTION,
      style: incident.emergency ? 'danger' : 'primary',
      text: { type: 'plain_text', text: incident.emergency ? 'Approve (break-glass)' : 'Approve' },
      value,
      confirm: {
        title: { type: 'plain_text', text: truncate(`Roll back ${incident.service}?`, LIMITS.confirmTitle) },
        text: { type: 'plain_text', text: truncate(question, LIMITS.confirmText) },
        confirm: { type: 'plain_text', text: 'Roll back' },
        deny: { type: 'plain_text', text: 'Cancel' },
        ...(incident.emergency ? { style: 'danger' as const } : {}),
      },
    });
  }
  return { type: 'actions', block_id: truncate(`proposal:${incident.id}`, LIMITS.id), elements };
}
