import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import type { RollbotError } from '../core/errors.js';
import type { Incident } from '../incidents/incident.js';
import type { Audience, Notifier, UnroutedGroupInfo } from '../incidents/ports.js';
import { EditLane, type EditKind } from './edit-lane.js';
import type { SlackGateway } from './gateway.js';
import {
  errorView,
  errorViewFrom,
  progressView,
  proposalView,
  threadNote,
  unroutedGroupView,
} from './views/index.js';

/** Where message edits go: their own lane and client, so they never hold up anything else. */
export interface EditRoute {
  lane: EditLane;
  /** The gateway over the edit lane's own WebClient (createSlackGateway `{ lane: 'edits' }`). */
  slack: SlackGateway;
  /** The stored incident, re-read when an edit's turn comes: it shows what is stored, never a stale copy. */
  read?: ((incidentId: string) => Promise<Incident | null>) | undefined;
  /** Lets shutdown and tests wait for queued edits (app.idle()). */
  track?: ((work: Promise<unknown>) => void) | undefined;
}

const FINAL_STATES = new Set(['succeeded', 'failed', 'cancelled', 'dismissed', 'superseded', 'expired']);
const editKind = (incident: Incident): EditKind =>
  FINAL_STATES.has(incident.state) ? 'final' : incident.state === 'proposed' ? 'other' : 'progress';

/**
 * The incident domain's voice in Slack: one message per incident, posted once and then edited
 * in place as the state moves (proposal → progress → result), details in its thread, private
 * replies to the person who acted. Edits are queued on the edit lane (coalesced, paced, final
 * state first) and return at once; posts and replies go straight out on the main client.
 */
export class SlackNotifier implements Notifier {
  private readonly edits: EditRoute;

  constructor(
    private readonly slack: SlackGateway,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly fallbackChannel?: string | undefined,
    edits?: EditRoute,
  ) {
    this.edits = edits ?? { lane: new EditLane({ log }), slack };
  }

  private edit(key: string, kind: EditKind, send: () => Promise<void>): void {
    const landed = this.edits.lane.submit(key, kind, send);
    this.edits.track?.(landed);
  }

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
    const ts = incident.slack?.ts;
    if (!ts) return;
    const { channel } = incident;
    this.edit(`${channel}:${ts}`, editKind(incident), async () => {
      const current = (await this.edits.read?.(incident.id).catch(() => null)) ?? incident;
      try {
        await this.edits.slack.updateMessage({ channel, ts, ...this.view(current) });
      } catch (err) {
        this.log.warn({ err, incidentId: incident.id }, 'could not edit the incident message');
        throw err;
      }
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
      // On the edit lane's client (a 429 never pauses the main one), awaited: the fallback channel
      // records which version it showed, and re-sends on the group's next delivery if this failed.
      await this.edits.slack.updateMessage({ channel: this.fallbackChannel, ts, ...view });
      return ts;
    }
    return (await this.slack.postMessage({ channel: this.fallbackChannel, ...view })).ts;
  }
}
