import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { flag, messageContent, SlackApiFailure, shortId, str } from './content.js';
import { parseArgs, readBody, sendJson } from './http-util.js';
import type { AppIdentity } from './shapes.js';
import type { SlackState } from './state.js';

/**
 * `response_url`s the simulator hands out in command and interaction payloads. Like Slack's: up
 * to 5 uses within 30 minutes; `response_type` ephemeral (default) or in_channel;
 * `replace_original` / `delete_original` act on the message the button was on.
 */
export const RESPONSE_URL_MAX_USES = 5;
export const RESPONSE_URL_TTL_MS = 30 * 60_000;

interface Hook {
  kind: 'commands' | 'actions';
  channel: string;
  user: string;
  /** The message the interaction came from (actions only). */
  messageTs?: string | undefined;
  isEphemeral?: boolean | undefined;
  createdAt: number;
  uses: number;
}

export class ResponseUrls {
  private hooks = new Map<string, Hook>();
  private seq = 0;

  constructor(
    private readonly state: SlackState,
    private readonly app: AppIdentity,
    private readonly baseUrl: () => string,
  ) {}

  /** A new response_url for a command or an interaction. */
  create(hook: Omit<Hook, 'createdAt' | 'uses'>): string {
    this.seq += 1;
    const path = `${hook.kind}/${this.app.teamId}/${1_000_000_000 + this.seq}/${randomBytes(12).toString('base64url')}`;
    this.hooks.set(path, { ...hook, createdAt: this.state.now(), uses: 0 });
    return `${this.baseUrl()}/hooks/${path}`;
  }

  async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const url = `${this.baseUrl()}/hooks/${path}`;
    const raw = await readBody(req);
    const hook = this.hooks.get(path);
    let body: unknown = parseArgs(req.headers['content-type'], raw);
    if (body && typeof (body as Record<string, unknown>).payload === 'string') {
      try {
        body = JSON.parse((body as Record<string, string>).payload!);
      } catch {
        body = undefined; // answered below with 400 invalid_payload, as Slack answers one
      }
    }
    const answer = (status: number, result: Record<string, unknown>) => {
      this.state.recordResponse({
        url,
        kind: hook?.kind ?? 'commands',
        body: body ?? raw,
        status,
        result,
        at: this.state.now(),
      });
      sendJson(res, status, result);
    };
    if (!hook) return answer(404, { ok: false, error: 'invalid_url' });
    if (this.state.now() - hook.createdAt > RESPONSE_URL_TTL_MS)
      return answer(404, { ok: false, error: 'expired_url' });
    if (hook.uses >= RESPONSE_URL_MAX_USES) return answer(404, { ok: false, error: 'used_url' });
    if (!body || typeof body !== 'object') return answer(400, { ok: false, error: 'invalid_payload' });
    hook.uses += 1;
    try {
      this.apply(hook, body as Record<string, unknown>);
      answer(200, { ok: true });
    } catch (err) {
      if (!(err instanceof SlackApiFailure)) throw err;
      answer(err.status === 200 ? 400 : err.status, { ok: false, error: err.error, ...err.extra });
    }
  }

  private apply(hook: Hook, body: Record<string, unknown>): void {
    const { state } = this;
    if (flag(body.delete_original)) {
      if (!hook.messageTs) throw new SlackApiFailure('message_not_found');
      if (hook.isEphemeral) {
        const e = state.findEphemeral(hook.channel, hook.messageTs);
        if (!e) throw new SlackApiFailure('message_not_found');
        return state.updateEphemeral(e, 'delete');
      }
      const m = state.findMessage(hook.channel, hook.messageTs);
      if (!m) throw new SlackApiFailure('message_not_found');
      return state.deleteMessage(m);
    }
    const content = messageContent(body, shortId);
    if (flag(body.replace_original) && hook.messageTs) {
      if (hook.isEphemeral) {
        const e = state.findEphemeral(hook.channel, hook.messageTs);
        if (!e) throw new SlackApiFailure('message_not_found');
        return state.updateEphemeral(e, content);
      }
      const m = state.findMessage(hook.channel, hook.messageTs);
      if (!m) throw new SlackApiFailure('message_not_found');
      return state.updateMessage(m, content, this.app.botUserId);
    }
    const threadTs = str(body.thread_ts);
    if (body.response_type === 'in_channel') {
      state.addMessage({
        channel: hook.channel,
        user: this.app.botUserId,
        botId: this.app.botId,
        ...content,
        threadTs,
      });
      return;
    }
    state.addEphemeral({ channel: hook.channel, user: hook.user, ...content, threadTs, via: 'response_url' });
  }
}
