import type { SimChannel, SlackState } from './state.js';
import type { StoredMessage } from './types.js';

/** The app's identity in the simulated workspace (what auth.test reports). */
export interface AppIdentity {
  teamId: string;
  teamName: string;
  /** Workspace domain, as in `https://<domain>.slack.com`. */
  domain: string;
  botUserId: string;
  botId: string;
  appId: string;
  botName: string;
}

/** A stored message as Slack returns it (chat.postMessage `message`, interaction payload `message`). */
export function slackMessage(m: StoredMessage, app: AppIdentity): Record<string, unknown> {
  return {
    type: 'message',
    ...(m.botId ? { bot_id: m.botId, app_id: app.appId } : {}),
    text: m.text,
    user: m.user,
    ts: m.ts,
    team: app.teamId,
    ...(m.blocks ? { blocks: m.blocks } : {}),
    ...(m.threadTs ? { thread_ts: m.threadTs, parent_user_id: m.user } : {}),
    ...(m.edited ? { edited: m.edited } : {}),
    ...(m.botId
      ? {
          bot_profile: {
            id: m.botId,
            app_id: app.appId,
            name: app.botName,
            icons: {},
            deleted: false,
            updated: Math.floor(m.postedAt / 1000),
            team_id: app.teamId,
          },
        }
      : {}),
  };
}

export function conversationInfo(c: SimChannel, app: AppIdentity, created: number): Record<string, unknown> {
  if (c.isIm) {
    return {
      id: c.id,
      created,
      is_im: true,
      is_org_shared: false,
      user: c.user,
      is_user_deleted: false,
      priority: 0,
    };
  }
  return {
    id: c.id,
    name: c.name,
    name_normalized: c.name,
    is_channel: true,
    is_group: false,
    is_im: false,
    is_mpim: false,
    is_private: false,
    is_archived: false,
    is_general: false,
    is_shared: false,
    is_ext_shared: false,
    is_org_shared: false,
    is_member: true,
    context_team_id: app.teamId,
    created,
    creator: app.botUserId,
    topic: { value: '', creator: '', last_set: 0 },
    purpose: { value: '', creator: '', last_set: 0 },
    previous_names: [],
  };
}

export function userInfo(
  state: SlackState,
  id: string,
  app: AppIdentity,
): Record<string, unknown> | undefined {
  if (id === app.botUserId) {
    return {
      id,
      team_id: app.teamId,
      name: app.botName,
      real_name: app.botName,
      deleted: false,
      is_bot: true,
      is_app_user: false,
      profile: {
        real_name: app.botName,
        display_name: app.botName,
        bot_id: app.botId,
        api_app_id: app.appId,
      },
    };
  }
  const u = state.user(id);
  if (!u) return undefined;
  const realName = u.realName ?? u.name;
  return {
    id: u.id,
    team_id: app.teamId,
    name: u.name,
    deleted: false,
    real_name: realName,
    tz: 'Europe/Berlin',
    tz_label: 'Central European Time',
    tz_offset: 3600,
    is_admin: false,
    is_owner: false,
    is_bot: false,
    is_app_user: false,
    profile: {
      real_name: realName,
      display_name: u.name,
      real_name_normalized: realName,
      display_name_normalized: u.name,
      team: app.teamId,
    },
  };
}

export function permalink(app: AppIdentity, channel: string, m: StoredMessage): string {
  const base = `https://${app.domain}.slack.com/archives/${channel}/p${m.ts.replace('.', '')}`;
  return m.threadTs ? `${base}?thread_ts=${m.threadTs}&cid=${channel}` : base;
}
