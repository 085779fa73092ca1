import { flag, SlackApiFailure, str } from './content.js';
import type { MethodHandler } from './methods.js';
import { conversationInfo, userInfo } from './shapes.js';

/** Identity and directory methods: auth.test, conversations.info, users.info, usergroups.*. */

const authTest: MethodHandler = (ctx) => ({
  ok: true,
  url: `https://${ctx.app.domain}.slack.com/`,
  team: ctx.app.teamName,
  user: ctx.app.botName,
  team_id: ctx.app.teamId,
  user_id: ctx.app.botUserId,
  bot_id: ctx.app.botId,
  is_enterprise_install: false,
});

const conversationsInfo: MethodHandler = (ctx, args) => {
  const ref = str(args.channel);
  if (!ref) throw new SlackApiFailure('invalid_arguments');
  // conversations.info takes ids only (names are a chat.postMessage convenience).
  const channel = ctx.state.channels.get(ref);
  if (!channel) throw new SlackApiFailure('channel_not_found');
  return { ok: true, channel: conversationInfo(channel, ctx.app, Math.floor(ctx.createdAt / 1000)) };
};

const usersInfo: MethodHandler = (ctx, args) => {
  const id = str(args.user);
  if (!id) throw new SlackApiFailure('invalid_arguments');
  const user = userInfo(ctx.state, id, ctx.app);
  if (!user) throw new SlackApiFailure('user_not_found');
  return { ok: true, user };
};

const usergroupsList: MethodHandler = (ctx, args) => {
  if (!ctx.state.workspace.paidPlan) throw new SlackApiFailure('plan_upgrade_required');
  const withUsers = flag(args.include_users);
  const usergroups = ctx.state.workspace.usergroups.map((g) => ({
    id: g.id,
    team_id: ctx.app.teamId,
    is_usergroup: true,
    is_subteam: true,
    name: g.handle,
    description: '',
    handle: g.handle,
    is_external: false,
    date_create: Math.floor(ctx.createdAt / 1000),
    date_update: Math.floor(ctx.createdAt / 1000),
    date_delete: 0,
    auto_type: null,
    created_by: ctx.app.botUserId,
    user_count: g.users.length,
    ...(withUsers ? { users: [...g.users] } : {}),
  }));
  return { ok: true, usergroups };
};

const usergroupsUsersList: MethodHandler = (ctx, args) => {
  if (!ctx.state.workspace.paidPlan) throw new SlackApiFailure('plan_upgrade_required');
  const id = str(args.usergroup);
  if (!id) throw new SlackApiFailure('invalid_arguments');
  const group = ctx.state.workspace.usergroups.find((g) => g.id === id);
  if (!group) throw new SlackApiFailure('no_such_subteam');
  return { ok: true, users: [...group.users] };
};

export const infoMethods: Record<string, MethodHandler> = {
  'auth.test': authTest,
  'conversations.info': conversationsInfo,
  'users.info': usersInfo,
  'usergroups.list': usergroupsList,
  'usergroups.users.list': usergroupsUsersList,
};
