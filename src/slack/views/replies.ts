/**
 * Ephemeral replies to `/rollback` and to button clicks: help, refusals/errors, "already done".
 * Every refusal says what happened, why, and what to do next (errors.ts: message + hint).
 */
import type { RollbotError } from '../../core/errors.js';
import type { Incident, IncidentPlan } from '../../incidents/incident.js';
import { choiceLines } from './revisions.js';
import {
  type View,
  context,
  deploymentRef,
  fallback,
  slackTime,
  mention,
  revisionLabel,
  section,
} from './format.js';
import { LIMITS, capLines, esc, firstLine, truncate } from './limits.js';

export const CANCEL_ACTION = 'rollback_cancel';

export const COMMAND_GRAMMAR: readonly { usage: string; what: string }[] = [
  { usage: '/rollback <service> [to <revision|image-tag>] [because <reason>]', what: 'propose a rollback' },
  { usage: '/rollback <service> --emergency because <reason>', what: 'break-glass: loudly audited' },
  { usage: '/rollback status [<service>]', what: 'open and running rollbacks' },
  { usage: '/rollback history <service>', what: 'revisions, like kubectl rollout history' },
  {
    usage: '/rollback cancel <service>',
    what: 'close a proposal, or stop a running rollback after its current step',
  },
  { usage: '/rollback help', what: 'this message' },
];

/** The grammar as Slack mrkdwn, one line per form (used by help and by every usage error). */
export const USAGE_MRKDWN = COMMAND_GRAMMAR.map((g) => `\`${esc(g.usage)}\` — ${g.what}`).join('\n');

export function helpView(services: string[]): View {
  const grammar = USAGE_MRKDWN;
  const known = services.length
    ? capLines(
        [...services].sort().map((s) => `\`${esc(s, 100)}\``),
        { maxChars: 2500, maxLines: 60, noun: 'services', separator: ', ' },
      )
    : '_no runbooks loaded_';
  return {
    text: fallback([
      'rollbot: /rollback usage',
      ...COMMAND_GRAMMAR.map((g) => esc(`${g.usage} — ${g.what}`)),
      `Services: ${services.length ? esc(services.join(', '), 1500) : 'none'}`,
    ]),
    blocks: [
      section(`*How to use \`/rollback\`*\n${grammar}`),
      section(`*Services with a runbook*\n${known}`),
      context('Examples: `/rollback payments-api because error rate 12%`, `/rollback payments-api to 41`'),
    ],
  };
}

/**
 * A refusal or bad input: `what` happened, `why`, and what to do `next`. All three are mrkdwn
 * written by rollbot (they may hold mentions); escape anything user-provided with `esc` first.
 */
export function errorView(e: { what: string; why?: string | undefined; next?: string | undefined }): View {
  const head = `${e.what}${e.why ? `: ${e.why}` : ''}`;
  const line = `${head.replace(/[.\s]+$/, '')}.${e.next ? ` ${e.next}` : ''}`;
  const blocks = [section(`:no_entry: *${e.what}*${e.why ? `: ${e.why}` : ''}`)];
  if (e.next) blocks.push(section(`*Next:* ${e.next}`));
  return { text: fallback([line]), blocks };
}

/** The one place a coded error becomes a Slack reply: message as the why, hint as the next step. */
export function errorViewFrom(err: RollbotError, what: string): View {
  return errorView({
    what: esc(what, 200),
    why: esc(err.message, 2000),
    next: err.hint ? esc(err.hint, 800) : undefined,
  });
}

/**
 * A second click, or a click on a message that moved on: says who got there first, so a
 * double-click never looks like a failure (exactly-once approval, DESIGN.md invariant 2).
 */
export function alreadyView(
  incident: Incident,
  opts: { now?: number; reason?: string | undefined } = {},
): View {
  const at = (t: number) =>
    slackTime(t, { seconds: true, ...(opts.now !== undefined ? { now: opts.now } : {}) });
  const svc = esc(incident.service, 100);
  let line: string;
  switch (incident.state) {
    case 'proposed': {
      const got = incident.approvals.map((a) => `${mention(a.id)} at ${at(a.at)}`).join(', ');
      const where = incident.slack?.permalink ? ` <${incident.slack.permalink}|Open it>.` : '';
      line = got
        ? `Already approved by ${got}; more approvals are needed.${where}`
        : `The ${svc} proposal is still waiting for approval.${where}`;
      // A request that joins an open proposal adds nothing to it: say so, rather than lose the words.
      if (opts.reason && opts.reason !== incident.reason) {
        const from = incident.requester ? `${mention(incident.requester.id)}'s request` : 'an alert';
        line += `\nYour reason (“${esc(firstLine(opts.reason), 300)}”) is not on it: the proposal came from ${from}. Say it in the proposal's thread so the approvers see it.`;
      }
      break;
    }
    case 'approved':
    case 'running':
    case 'succeeded':
    case 'failed': {
      const first = incident.approvals[0];
      line = first
        ? `Already approved by ${mention(first.id)} at ${at(first.at)}${incident.state === 'running' ? '; the rollback is running' : ''}.`
        : `This rollback of ${svc} is already ${incident.state}.`;
      break;
    }
    default: {
      const by = incident.closedBy ? ` by ${mention(incident.closedBy.id)}` : '';
      line = `This proposal for ${svc} was already ${incident.state}${by} at ${at(incident.updatedAt)}.`;
    }
  }
  return { text: fallback([line]), blocks: [section(`:information_source: ${line}`)] };
}

/** Invariant 3: one rollback in flight per service; the second request is told who holds it. */
export function leaseHeldView(o: {
  service: string;
  incidentId: string;
  holder?: string | undefined;
  permalink?: string | undefined;
}): View {
  const holder = o.holder ? ` (lease held by replica \`${esc(o.holder, 200)}\`)` : '';
  const line = `${esc(o.service, 100)} is already being rolled back by incident \`${esc(o.incidentId, 200)}\`${holder}.`;
  const next = `Follow it${o.permalink && /^https?:\/\//.test(o.permalink) ? ` <${o.permalink.replace(/[<>|]/g, encodeURIComponent)}|in its thread>` : ' with `/rollback status`'}, or cancel it with \`/rollback cancel ${esc(o.service, 100)}\`.`;
  return { text: fallback([`${line} ${next}`]), blocks: [section(`:lock: ${line}\n${next}`)] };
}

/**
 * `/rollback cancel <service>` asks before it acts: what cancelling means from here (nothing
 * changed yet, or "the undo already applied"), and one button behind a confirm dialog.
 */
export function cancelConfirmView(incident: Incident, o: { question: string; button: string }): View {
  const line = `${esc(o.question, 1000)} (incident \`${esc(incident.id, 100)}\`)`;
  return {
    text: fallback([line]),
    blocks: [
      section(`:warning: ${line}`),
      {
        type: 'actions',
        block_id: truncate(`cancel:${incident.id}`, LIMITS.id),
        elements: [
          {
            type: 'button',
            action_id: CANCEL_ACTION,
            style: 'danger',
            text: { type: 'plain_text', text: truncate(o.button, LIMITS.buttonText) },
            value: truncate(incident.id, LIMITS.buttonValue),
            confirm: {
              title: {
                type: 'plain_text',
                text: truncate(`${o.button}: ${incident.service}?`, LIMITS.confirmTitle),
              },
              text: { type: 'plain_text', text: truncate(o.question, LIMITS.confirmText) },
              confirm: { type: 'plain_text', text: truncate(o.button, LIMITS.confirmButton) },
              deny: { type: 'plain_text', text: 'Keep it' },
              style: 'danger',
            },
          },
        ],
      },
      context(`\`${esc(deploymentRef(incident), 300)}\` · only approvers may stop a running rollback`),
    ],
  };
}

/**
 * A request nothing could approve (invariant: it never becomes the service's open proposal): why,
 * and the revisions that could be named instead, suspects marked.
 */
export function unapprovableView(o: {
  service: string;
  request: Incident['request'];
  plan: IncidentPlan;
  now: number;
}): View {
  const svc = esc(o.service, 100);
  const asked =
    o.request.toRevision !== undefined
      ? ` to revision ${o.request.toRevision}`
      : o.request.toImageTag !== undefined
        ? ` to image tag \`${esc(o.request.toImageTag, 100)}\``
        : '';
  const why = o.plan.noop
    ? `it is what runs now (${esc(o.plan.noop, 300)})`
    : esc(o.plan.targetMissingReason ?? 'no earlier revision in the rollout history', 1000);
  const what = `Cannot roll back ${svc}${asked}`;
  const choices = choiceLines(o.service, o.plan.choices ?? [], o.now);
  return {
    text: fallback([`${what}: ${why}. Nothing was proposed.`]),
    blocks: [
      section(`:no_entry: *${what}:* ${why}. Nothing was proposed.`),
      section(`*Revisions you can name instead*\n${choices}`),
      context(
        `${svc} runs ${esc(revisionLabel(o.plan.current), 120)} · history: \`/rollback history ${svc}\``,
      ),
    ],
  };
}
