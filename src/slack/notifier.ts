import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import type { RollbotError } from '../core/errors.js';
import type { Incident } from '../incidents/incident.js';
import type { Audience, Notifier, UnroutedGroupInfo } from '../incidents/ports.js';
import type { SlackGateway } from './gateway.js';
import {
  errorView,
  errorViewFrom,
  progressView,
  proposalView,
  threadNote,
  unroutedGroupView,
} from './views/index.js';

/**
 * The incident domain's voice in Slack: one message per incident, posted once and then edited
 * in place as the state moves (proposal → progress → result), details in its thread, private
 * replies to the person who acted.
 */
export class SlackNotifier implements Notifier {
  constructor(
    private readonly slack: SlackGateway,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly fallbackChannel?: string | undefined,
  ) {}

  private view(incident: Incident) {
    const now = this.clock.now();
    return incident.state === 'proposed' ? proposalView(incident, { now }) : progressView(incident, { now });
  }

  async postProposal(incident: Incident) {
    const posted = await this.slack.postMessage({ channel: incident.channel, ...this.view(incident) });
    const permalink = await this.slack.permalink(posted.channel, posted.ts);
    return { ts: posted.ts, permalink };
  }

  async refresh(incident: Incident) {
    if (!incident.slack?.ts) return;
    await this.slack.updateMessage({
      channel: incident.channel,
      ts: incident.slack.ts,
      ...this.view(incident),
    });
  }

  async thread(incident: Incident, text: string) {
    if (!incident.slack?.ts) return;
    await this.slack.postMessage({
      channel: incident.channel,
      threadTs: incident.slack.ts,
      ...threadNote(text),
    });
  }

  async tell(to: Audience, message: { what: string; why?: string | undefined; next?: string | undefined }) {
    const view = message.why || message.next ? errorView(message) : { text: message.what, blocks: undefined };
    try {
      if (to.respond) return await to.respond(view);
      await this.slack.postEphemeral({
        channel: to.channel,
        user: to.user,
        text: view.text,
        blocks: view.blocks,
      });
    } catch (err) {
      this.log.warn({ err, user: to.user }, 'could not reply to the user');
    }
  }

  async cannotPropose(channel: string, summary: string, err: RollbotError) {
    await this.slack.postMessage({
      channel,
      ...errorViewFrom(err, `Alert "${summary}" fired, but rollbot could not propose a rollback`),
    });
  }

  async fallback(group: UnroutedGroupInfo, ts?: string): Promise<string | undefined> {
    if (!this.fallbackChannel) return undefined;
    const view = unroutedGroupView(group, { now: this.clock.now() });
    if (ts) {
      await this.slack.updateMessage({ channel: this.fallbackChannel, ts, ...view });
      return ts;
    }
    return (await this.slack.postMessage({ channel: this.fallbackChannel, ...view })).ts;
  }
}
