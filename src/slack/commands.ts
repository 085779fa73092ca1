/**
 * `/rollback …` in Slack, after the ack: decode Slack's entities, parse the grammar, hand the
 * request to the use case (incidents/requests.ts), render its answer as a private reply. Nothing
 * here decides anything about incidents.
 */
import type { Logger } from 'pino';
import { asRollbotError } from '../core/errors.js';
import { decodeSlackEntities } from '../core/text.js';
import type { Person } from '../incidents/incident.js';
import type { RequestOutcome, RollbackRequests } from '../incidents/requests.js';
import type { Respond } from './bolt-app.js';
import { parseRollbackCommand } from './command-grammar.js';
import {
  type View,
  alreadyView,
  cancelConfirmView,
  errorView,
  errorViewFrom,
  esc,
  helpView,
  historyView,
  leaseHeldView,
  statusView,
  unapprovableView,
  USAGE_MRKDWN,
} from './views/index.js';

export interface CommandDeps {
  requests: RollbackRequests;
  services: () => string[];
  log: Logger;
}

const known = (services: string[]) =>
  services.length
    ? `rollbot has runbooks for: ${services.map((s) => esc(s, 100)).join(', ')}`
    : 'no runbooks are loaded';

export class RollbackCommands {
  constructor(private readonly d: CommandDeps) {}

  async handle(cmd: { text: string; user: Person; channel: string; respond: Respond }): Promise<void> {
    // Slack sends command text with &, < and > as entities: decode once here, so every outlet
    // escapes the person's words exactly once (core/text.ts).
    const text = decodeSlackEntities(cmd.text);
    try {
      await cmd.respond(await this.answer(text, cmd.user));
    } catch (err) {
      const e = asRollbotError(err);
      this.d.log.error({ err: e, text, user: cmd.user.id }, '/rollback failed');
      await cmd.respond(errorViewFrom(e, `/rollback ${text.slice(0, 200)} failed`));
    }
  }

  private async answer(text: string, user: Person): Promise<View> {
    const parsed = parseRollbackCommand(text);
    if (!parsed.ok) {
      // Name the valid services too: a typo in the service is the most common bad syntax.
      return errorView({
        what: `Could not read \`/rollback ${esc(text, 200)}\``,
        why: parsed.error,
        next: `${known(this.d.services())}.\nUsage:\n${USAGE_MRKDWN}`,
      });
    }
    return render(await this.d.requests.handle(parsed.command, user));
  }
}

/** The use case's answer as a private Slack reply. */
export function render(o: RequestOutcome): View {
  switch (o.kind) {
    case 'help':
      return helpView(o.services);
    case 'unknown_service':
      return errorView({
        what: `Unknown service "${esc(o.service, 100)}"`,
        why: known(o.services),
        next: `Usage:\n${USAGE_MRKDWN}`,
      });
    case 'status':
      return statusView(o.incidents, { now: o.now });
    case 'history':
      return historyView(o.service, o.revisions, { now: o.now });
    case 'cannot':
      return errorView({ what: esc(o.what, 200), why: esc(o.why, 1000), next: o.next });
    case 'refused':
      return errorView({ what: 'Rollback refused', why: o.message });
    case 'unapprovable':
      return unapprovableView(o);
    case 'in_progress':
      return leaseHeldView({
        service: o.incident.service,
        incidentId: o.incident.id,
        holder: o.holder,
        permalink: o.incident.slack?.permalink,
      });
    case 'waiting':
      return alreadyView(o.incident, { now: o.now, reason: o.reason });
    case 'posted': {
      const i = o.incident;
      const where = i.slack?.permalink ? `<${i.slack.permalink}|the proposal>` : 'the proposal';
      const line = `Posted ${where} in <#${i.channel}> (incident \`${esc(i.id, 100)}\`). It needs approval before anything changes.`;
      return { text: line, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: line } }] };
    }
    case 'cancel': {
      const p = o.preview;
      if (p.kind === 'nothing')
        return errorView({
          what: `Nothing to cancel for ${esc(p.service, 100)}`,
          why: 'it has no open proposal or running rollback',
        });
      if (p.kind === 'refused')
        return errorView({ what: 'Not cancelled', why: p.refusal.message, next: p.refusal.next });
      return cancelConfirmView(p.incident, { question: p.question, button: p.button });
    }
  }
}
