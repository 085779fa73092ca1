import { flag, messageContent, SlackApiFailure, shortId, str } from './content.js';
import type { Args, MethodContext, MethodHandler } from './methods.js';
import { permalink, slackMessage } from './shapes.js';
import type { SimChannel } from './state.js';

/** chat.* methods: what rollbot posts, edits and links to. */

function channelArg(ctx: MethodContext, args: Args): SimChannel {
  const ref = str(args.channel);
  if (!ref)
    throw new SlackApiFailure('invalid_arguments', {
      response_metadata: { messages: ['[ERROR] missing required field: channel'] },
    });
  const channel = ctx.state.resolveChannel(ref);
  if (!channel) throw new SlackApiFailure('channel_not_found');
  return channel;
}

const postMessage: MethodHandler = (ctx, args) => {
  const channel = channelArg(ctx, args);
  const content = messageContent(args, shortId);
  const retryAfter = ctx.limiter.take(`chat.postMessage:${channel.id}`);
  if (retryAfter !== undefined) throw new SlackApiFailure('ratelimited', {}, 429, retryAfter);
  let threadTs = str(args.thread_ts);
  if (threadTs) {
    const parent = ctx.state.findMessage(channel.id, threadTs);
    // Replying to a reply lands in the parent's thread, as in Slack.
    if (parent?.threadTs) threadTs = parent.threadTs;
    else if (!parent) throw new SlackApiFailure('thread_not_found');
  }
  const m = ctx.state.addMessage({
    channel: channel.id,
    user: ctx.app.botUserId,
    botId: ctx.app.botId,
    ...content,
    threadTs,
    replyBroadcast: threadTs ? flag(args.reply_broadcast) : undefined,
  });
  return { ok: true, channel: channel.id, ts: m.ts, message: slackMessage(m, ctx.app) };
};

const update: MethodHandler = (ctx, args) => {
  const channel = channelArg(ctx, args);
  const ts = str(args.ts);
  if (!ts)
    throw new SlackApiFailure('invalid_arguments', {
      response_metadata: { messages: ['[ERROR] missing required field: ts'] },
    });
  const m = ctx.state.findMessage(channel.id, ts);
  if (!m) throw new SlackApiFailure('message_not_found');
  if (m.botId !== ctx.app.botId) throw new SlackApiFailure('cant_update_message');
  const content = messageContent(args, shortId);
  // Slack keeps a message's blocks when chat.update has no `blocks` (an empty array removes them).
  if (args.blocks === undefined && content.blocks === undefined && m.blocks) content.blocks = m.blocks;
  ctx.state.updateMessage(m, content, ctx.app.botUserId);
  return { ok: true, channel: channel.id, ts: m.ts, text: m.text, message: slackMessage(m, ctx.app) };
};

const postEphemeral: MethodHandler = (ctx, args) => {
  const channel = channelArg(ctx, args);
  const user = str(args.user);
  if (!user)
    throw new SlackApiFailure('invalid_arguments', {
      response_metadata: { messages: ['[ERROR] missing required field: user'] },
    });
  if (!ctx.state.user(user)) throw new SlackApiFailure('user_not_found');
  const content = messageContent(args, shortId);
  const e = ctx.state.addEphemeral({
    channel: channel.id,
    user,
    ...content,
    threadTs: str(args.thread_ts),
    via: 'chat.postEphemeral',
  });
  return { ok: true, message_ts: e.ts };
};

const getPermalink: MethodHandler = (ctx, args) => {
  const channel = channelArg(ctx, args);
  const ts = str(args.message_ts);
  if (!ts) throw new SlackApiFailure('invalid_arguments');
  const m = ctx.state.findMessage(channel.id, ts);
  if (!m) throw new SlackApiFailure('message_not_found');
  return { ok: true, channel: channel.id, permalink: permalink(ctx.app, channel.id, m) };
};

const del: MethodHandler = (ctx, args) => {
  const channel = channelArg(ctx, args);
  const ts = str(args.ts);
  const m = ts ? ctx.state.findMessage(channel.id, ts) : undefined;
  if (!m) throw new SlackApiFailure('message_not_found');
  if (m.botId !== ctx.app.botId) throw new SlackApiFailure('cant_delete_message');
  ctx.state.deleteMessage(m);
  return { ok: true, channel: channel.id, ts: m.ts };
};

export const chatMethods: Record<string, MethodHandler> = {
  'chat.postMessage': postMessage,
  'chat.update': update,
  'chat.postEphemeral': postEphemeral,
  'chat.getPermalink': getPermalink,
  'chat.delete': del,
};
