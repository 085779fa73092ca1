import type { KnownBlock } from '@slack/types';
import { type WebClient, ErrorCode as SlackErrorCode } from '@slack/web-api';
import { RollbotError } from '../core/errors.js';

/**
 * The only way rollbot's domain talks to Slack: a thin adapter over WebClient that caches what
 * Slack rate-limits hard (user-group membership: Tier 2; user names) and turns Slack errors into
 * RollbotErrors an operator can act on.
 */
export interface SlackMessage {
  channel: string;
  text: string;
  blocks?: KnownBlock[] | undefined;
  threadTs?: string | undefined;
  replyBroadcast?: boolean | undefined;
}

export interface SlackGateway {
  postMessage(msg: SlackMessage): Promise<{ channel: string; ts: string }>;
  updateMessage(msg: {
    channel: string;
    ts: string;
    text: string;
    blocks?: KnownBlock[] | undefined;
  }): Promise<void>;
  postEphemeral(msg: {
    channel: string;
    user: string;
    text: string;
    blocks?: KnownBlock[] | undefined;
  }): Promise<void>;
  permalink(channel: string, ts: string): Promise<string | undefined>;
  /** Members of a user group; throws 'forbidden' on free plans (plan_upgrade_required). Cached. */
  usergroupMembers(groupId: string): Promise<string[]>;
  /** Display name of a user, or undefined when Slack does not know it. Cached. */
  userName(userId: string): Promise<string | undefined>;
  /** auth.test: the bot token still works (readiness); throws naming why not. */
  authTest(): Promise<{ team?: string | undefined; botUserId?: string | undefined }>;
}

const GROUP_TTL_MS = 5 * 60_000;
const USER_TTL_MS = 60 * 60_000;

export class WebClientGateway implements SlackGateway {
  private groups = new Map<string, { users: string[]; at: number }>();
  private users = new Map<string, { name: string | undefined; at: number }>();

  constructor(
    private readonly client: WebClient,
    private readonly now: () => number = Date.now,
  ) {}

  async postMessage(msg: SlackMessage) {
    const res = await this.call('chat.postMessage', () =>
      this.client.chat.postMessage({
        channel: msg.channel,
        text: msg.text,
        ...(msg.blocks ? { blocks: msg.blocks } : {}),
        ...(msg.threadTs ? { thread_ts: msg.threadTs, reply_broadcast: msg.replyBroadcast ?? false } : {}),
        unfurl_links: false,
      } as Parameters<WebClient['chat']['postMessage']>[0]),
    );
    return { channel: res.channel as string, ts: res.ts as string };
  }

  async updateMessage(msg: { channel: string; ts: string; text: string; blocks?: KnownBlock[] | undefined }) {
    await this.call('chat.update', () =>
      this.client.chat.update({
        channel: msg.channel,
        ts: msg.ts,
        text: msg.text,
        ...(msg.blocks ? { blocks: msg.blocks } : {}),
      }),
    );
  }

  async postEphemeral(msg: {
    channel: string;
    user: string;
    text: string;
    blocks?: KnownBlock[] | undefined;
  }) {
    await this.call('chat.postEphemeral', () =>
      this.client.chat.postEphemeral({
        channel: msg.channel,
        user: msg.user,
        text: msg.text,
        ...(msg.blocks ? { blocks: msg.blocks } : {}),
      }),
    );
  }

  async permalink(channel: string, ts: string) {
    try {
      const res = await this.client.chat.getPermalink({ channel, message_ts: ts });
      return res.permalink;
    } catch {
      return undefined; // a link is a convenience; never fail an action for it
    }
  }

  async usergroupMembers(groupId: string) {
    const cached = this.groups.get(groupId);
    if (cached && this.now() - cached.at < GROUP_TTL_MS) return cached.users;
    const res = await this.call('usergroups.users.list', () =>
      this.client.usergroups.users.list({ usergroup: groupId }),
    );
    const users = (res.users as string[] | undefined) ?? [];
    this.groups.set(groupId, { users, at: this.now() });
    return users;
  }

  async userName(userId: string) {
    const cached = this.users.get(userId);
    if (cached && this.now() - cached.at < USER_TTL_MS) return cached.name;
    try {
      const res = await this.client.users.info({ user: userId });
      const name = res.user?.profile?.display_name || res.user?.real_name || res.user?.name || undefined;
      this.users.set(userId, { name, at: this.now() });
      return name;
    } catch {
      return undefined; // a display name is a courtesy: views show the <@id> mention instead
    }
  }

  async authTest() {
    try {
      const r = await this.client.auth.test();
      return { team: r.team, botUserId: r.user_id };
    } catch (err) {
      const code = (err as { data?: { error?: string } }).data?.error;
      if (
        code &&
        ['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired'].includes(code)
      )
        throw new RollbotError('unauthorized', `Slack refuses the bot token (${code})`, {
          hint: 'set SLACK_BOT_TOKEN to the Bot User OAuth Token (xoxb-…) of the installed app',
          cause: err,
        });
      throw slackError('auth.test', err);
    }
  }

  private async call<T>(method: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw slackError(method, err);
    }
  }
}

/**
 * Who people are, for the approval policy: group membership (undefined when Slack will not say —
 * a free plan, a missing scope — so the policy falls back to user ids) and display names.
 */
export function slackDirectory(slack: SlackGateway): {
  groupMembers(groupId: string): Promise<string[] | undefined>;
  displayName(userId: string): Promise<string | undefined>;
} {
  return {
    groupMembers: (groupId) => slack.usergroupMembers(groupId).catch(() => undefined),
    displayName: (userId) => slack.userName(userId),
  };
}

export function slackError(method: string, err: unknown): RollbotError {
  const e = err as { code?: string; data?: { error?: string }; retryAfter?: number; message?: string };
  const slackCode = e.data?.error;
  if (
    slackCode === 'plan_upgrade_required' ||
    slackCode === 'missing_scope' ||
    slackCode === 'not_in_channel'
  ) {
    return new RollbotError('forbidden', `Slack refused ${method}: ${slackCode}`, {
      hint:
        slackCode === 'plan_upgrade_required'
          ? 'user groups need a paid Slack plan: list approvers by user id in the runbook instead'
          : slackCode === 'not_in_channel'
            ? 'invite the bot to the channel (/invite @rollbot)'
            : 'add the missing scope in the Slack app manifest and reinstall the app',
      cause: err,
    });
  }
  if (e.code === SlackErrorCode.RateLimitedError) {
    return new RollbotError(
      'upstream_failed',
      `Slack rate-limited ${method} (retry after ${e.retryAfter ?? '?'} s)`,
      {
        hint: 'rollbot will retry; if this persists, fewer messages per channel are needed',
        cause: err,
        details: { retryAfterSeconds: e.retryAfter },
      },
    );
  }
  return new RollbotError(
    'upstream_failed',
    `Slack ${method} failed: ${slackCode ?? e.message ?? String(err)}`,
    {
      hint:
        slackCode === 'channel_not_found'
          ? 'check the channel id in the runbook and invite the bot'
          : 'check SLACK_BOT_TOKEN and the Slack status page',
      cause: err,
      details: { slackError: slackCode },
    },
  );
}
