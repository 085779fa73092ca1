import type { SocketModeHub } from './socket-mode.js';
import { randomBytes } from 'node:crypto';
import type { ResponseUrls } from './response-url.js';
import { slackMessage, type AppIdentity } from './shapes.js';
import { sendSigned } from './signing.js';
import type { SlackState } from './state.js';
import type { Block, StoredMessage } from './types.js';

/**
 * A workspace user acting: typing a slash command, clicking a button. Builds the payloads Slack
 * builds and POSTs them, signed, to the app's request URL; Slack gives up after 3 s.
 */
export interface DeliveryResult {
  /** HTTP status of the app's answer (0 when it did not answer within the ack timeout). */
  status: number;
  /** The answer body: parsed JSON when it is JSON, else the text ('' for a bare ack). */
  body: unknown;
  /** Milliseconds until the app answered (its ack). */
  ackMs: number;
  timedOut: boolean;
  responseUrl: string;
  triggerId: string;
  /** What was sent: the command's form fields or the interaction payload. */
  payload: Record<string, unknown>;
  /** The raw request body and its signing timestamp, as sent (for a retry or replay of it). */
  request: { body: string; timestamp: number };
}

/**
 * Delivering one request again. A Slack retry re-signs the same body with a fresh timestamp and
 * says so (`X-Slack-Retry-Num`, `X-Slack-Retry-Reason`, as for Events API retries); a replay
 * sends the captured request byte for byte, signature and timestamp included.
 */
export interface RedeliverOptions {
  as: 'slack-retry' | 'replay';
  /** 1..3 for a Slack retry (default 1). */
  retryNum?: number | undefined;
  /** Default `http_timeout`. */
  retryReason?: string | undefined;
}

export interface ActorDeps {
  state: SlackState;
  app: AppIdentity;
  responseUrls: ResponseUrls;
  signingSecret: string;
  verificationToken: string;
  eventsUrl: () => string;
  ackTimeoutMs: number;
  /** The app's Socket Mode connection, when it has one: deliveries go there instead of eventsUrl. */
  socket?: () => SocketModeHub | undefined;
}

export interface ClickOptions {
  channel: string;
  ts: string;
  actionId: string;
  /** Overrides the button's value (e.g. to forge a payload). */
  value?: string | undefined;
  blockId?: string | undefined;
}

export class SlackActor {
  constructor(
    private readonly deps: ActorDeps,
    readonly userId: string,
  ) {
    if (!deps.state.user(userId)) throw new Error(`slack simulator: no user ${userId} in the scenario`);
  }

  private get user() {
    return this.deps.state.user(this.userId)!;
  }

  private channel(ref: string) {
    const c = this.deps.state.resolveChannel(ref);
    if (!c) throw new Error(`slack simulator: no channel ${ref} in the scenario`);
    return c;
  }

  /** Types `/command text` in a channel. */
  async command(command: string, text: string, opts: { channel: string }): Promise<DeliveryResult> {
    const { state, app } = this.deps;
    const channel = this.channel(opts.channel);
    const responseUrl = this.deps.responseUrls.create({
      kind: 'commands',
      channel: channel.id,
      user: this.userId,
    });
    const triggerId = newTriggerId();
    const fields = {
      token: this.deps.verificationToken,
      team_id: app.teamId,
      team_domain: app.domain,
      channel_id: channel.id,
      channel_name: channel.isIm ? 'directmessage' : channel.name,
      user_id: this.userId,
      user_name: this.user.name,
      command,
      // Slack sends the typed text with &, < and > as HTML entities (and nothing else escaped
      // while the command's "escape channels, users and links" setting is off, the default).
      text: text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
      api_app_id: app.appId,
      is_enterprise_install: 'false',
      response_url: responseUrl,
      trigger_id: triggerId,
    };
    const result = await this.deliver(new URLSearchParams(fields).toString(), fields, responseUrl, triggerId);
    // Slack shows a non-empty ack body to the user, like a response_url post.
    if (result.status === 200 && result.body !== '' && result.body !== undefined) {
      const msg =
        typeof result.body === 'string' ? { text: result.body } : (result.body as Record<string, unknown>);
      const content = { text: String(msg.text ?? ''), blocks: msg.blocks as Block[] | undefined };
      if (msg.response_type === 'in_channel') {
        state.addMessage({ channel: channel.id, user: app.botUserId, botId: app.botId, ...content });
      } else state.addEphemeral({ channel: channel.id, user: this.userId, ...content, via: 'ack' });
    }
    return result;
  }

  /** Clicks a button on a stored message (or on an ephemeral message this user sees). */
  async clickButton(opts: ClickOptions): Promise<DeliveryResult> {
    const { state, app } = this.deps;
    const channel = this.channel(opts.channel);
    const message: StoredMessage | undefined = state.findMessage(channel.id, opts.ts);
    const ephemeral = message ? undefined : state.findEphemeral(channel.id, opts.ts);
    if (!message && (!ephemeral || ephemeral.user !== this.userId)) {
      throw new Error(`slack simulator: no message ${opts.ts} in ${channel.id} visible to ${this.userId}`);
    }
    const blocks = (message ?? ephemeral)!.blocks ?? [];
    const found = findButton(blocks, opts.actionId, opts.blockId);
    if (!found)
      throw new Error(`slack simulator: no element with action_id ${opts.actionId} on message ${opts.ts}`);
    const responseUrl = this.deps.responseUrls.create({
      kind: 'actions',
      channel: channel.id,
      user: this.userId,
      messageTs: opts.ts,
      isEphemeral: !message,
    });
    const triggerId = newTriggerId();
    const { element, blockId } = found;
    const threadTs = (message ?? ephemeral)!.threadTs;
    const payload: Record<string, unknown> = {
      type: 'block_actions',
      user: { id: this.userId, username: this.user.name, name: this.user.name, team_id: app.teamId },
      api_app_id: app.appId,
      token: this.deps.verificationToken,
      container: {
        type: 'message',
        message_ts: opts.ts,
        channel_id: channel.id,
        is_ephemeral: !message,
        ...(threadTs ? { thread_ts: threadTs } : {}),
      },
      trigger_id: triggerId,
      team: { id: app.teamId, domain: app.domain },
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: channel.id, name: channel.isIm ? 'directmessage' : channel.name },
      ...(message ? { message: slackMessage(message, app) } : {}),
      state: { values: {} },
      response_url: responseUrl,
      actions: [
        {
          action_id: element.action_id,
          block_id: blockId,
          text: element.text,
          ...((opts.value ?? element.value) !== undefined ? { value: opts.value ?? element.value } : {}),
          ...(element.style ? { style: element.style } : {}),
          type: element.type,
          action_ts: actionTs(state.now()),
        },
      ],
    };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    return this.deliver(body, payload, responseUrl, triggerId);
  }

  /** Posts a plain message as this user (not delivered to the app: rollbot subscribes to no events). */
  say(channelRef: string, text: string, opts: { threadTs?: string } = {}): StoredMessage {
    const channel = this.channel(channelRef);
    return this.deps.state.addMessage({
      channel: channel.id,
      user: this.userId,
      text,
      threadTs: opts.threadTs,
    });
  }

  /** Sends an earlier delivery again: as Slack retrying it, or replayed byte for byte. */
  async redeliver(previous: DeliveryResult, opts: RedeliverOptions): Promise<DeliveryResult> {
    const retry: Record<string, string> =
      opts.as === 'slack-retry'
        ? {
            'X-Slack-Retry-Num': String(opts.retryNum ?? 1),
            'X-Slack-Retry-Reason': opts.retryReason ?? 'http_timeout',
          }
        : {};
    const timestamp = opts.as === 'replay' ? previous.request.timestamp : Math.floor(Date.now() / 1000);
    return this.deliver(previous.request.body, previous.payload, previous.responseUrl, previous.triggerId, {
      timestamp,
      headers: retry,
    });
  }

  private async deliver(
    body: string,
    payload: Record<string, unknown>,
    responseUrl: string,
    triggerId: string,
    extra: { timestamp?: number; headers?: Record<string, string> } = {},
  ) {
    const timestamp = extra.timestamp ?? Math.floor(Date.now() / 1000);
    const socket = this.deps.socket?.();
    if (socket) {
      // Socket Mode: no HTTP request and no signature; the envelope carries the same fields.
      const form = new URLSearchParams(body);
      const json = form.get('payload');
      const sent = json
        ? await socket.deliver('interactive', JSON.parse(json), this.deps.ackTimeoutMs)
        : await socket.deliver('slash_commands', Object.fromEntries(form), this.deps.ackTimeoutMs);
      return {
        status: sent.status,
        body: sent.body,
        ackMs: sent.ms,
        timedOut: sent.timedOut,
        responseUrl,
        triggerId,
        payload,
        request: { body, timestamp },
      };
    }
    const res = await sendSigned({
      url: this.deps.eventsUrl(),
      body,
      contentType: 'application/x-www-form-urlencoded',
      secret: this.deps.signingSecret,
      timestamp,
      headers: extra.headers,
      timeoutMs: this.deps.ackTimeoutMs,
    });
    let parsed: unknown = res.text;
    if (String(res.headers['content-type'] ?? '').startsWith('application/json') && res.text !== '') {
      try {
        parsed = JSON.parse(res.text);
      } catch {
        parsed = res.text; // the app said JSON but sent something else: the test sees the raw text
      }
    }
    return {
      status: res.status,
      body: parsed,
      ackMs: res.ms,
      timedOut: res.timedOut,
      responseUrl,
      triggerId,
      payload,
      request: { body, timestamp },
    };
  }
}

type Element = Record<string, unknown> & { action_id: string; type: string };

function findButton(
  blocks: Block[],
  actionId: string,
  blockId?: string,
): { element: Element; blockId: string } | undefined {
  for (const b of blocks) {
    if (blockId !== undefined && b.block_id !== blockId) continue;
    const candidates = [
      ...(Array.isArray(b.elements) ? b.elements : []),
      ...(b.accessory ? [b.accessory] : []),
    ];
    const el = candidates.find((e) => (e as Record<string, unknown>)?.action_id === actionId);
    if (el) return { element: el as Element, blockId: String(b.block_id) };
  }
  return undefined;
}

function newTriggerId(): string {
  const n = () => String(Math.floor(Math.random() * 1e12));
  return `${n()}.${n()}.${randomBytes(16).toString('hex')}`;
}

function actionTs(nowMs: number): string {
  return (nowMs / 1000).toFixed(6);
}
