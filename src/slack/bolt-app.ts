import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, HTTPReceiver, SocketModeReceiver, type Logger as BoltLogger } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { Logger } from 'pino';
import type { Person } from '../incidents/incident.js';
import { createSlackClient, slackClientOptions, slackLogger } from './client.js';

/**
 * Bolt, configured for rollbot: HTTP mode behind our own server (Bolt's signature check is off
 * because src/http/slack-signature.ts already verified the request — one check, not two), or
 * Socket Mode when an app token is set. Every handler acks first and works after (invariant 8).
 */
/** An ephemeral reply to the person who acted (via the interaction's response_url). */
export type Respond = (message: { text: string; blocks?: KnownBlock[] | undefined }) => Promise<void>;

export interface InteractionHandlers {
  command(cmd: { text: string; user: Person; channel: string; respond: Respond }): Promise<void>;
  approve(incidentId: string, user: Person, channel: string, respond: Respond): Promise<void>;
  dismiss(incidentId: string, user: Person, channel: string, respond: Respond): Promise<void>;
  /** The confirmed button of `/rollback cancel`. */
  cancel(incidentId: string, user: Person, channel: string, respond: Respond): Promise<void>;
}

export interface BoltSetup {
  app: App;
  /** HTTP mode: hand a verified, buffered request to Bolt. Undefined in Socket Mode. */
  requestListener?: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createBolt(opts: {
  botToken: string;
  signingSecret: string;
  appToken?: string | undefined;
  apiUrl?: string | undefined;
  log: Logger;
  handlers: InteractionHandlers;
  /** Background work started after an ack; tracked so shutdown can wait for it. */
  track: (work: Promise<unknown>) => void;
}): BoltSetup {
  const logger: BoltLogger = slackLogger(opts.log, 'bolt');
  const clientOptions = { ...slackClientOptions({ apiUrl: opts.apiUrl, log: opts.log }), logger };
  const socket = Boolean(opts.appToken);
  const receiver = socket
    ? new SocketModeReceiver({
        appToken: opts.appToken!,
        logger,
        // apps.connections.open goes to the same Slack as every other call (the sandbox's simulator).
        installerOptions: { clientOptions: opts.apiUrl ? { slackApiUrl: opts.apiUrl } : {} },
      })
    : new HTTPReceiver({
        signingSecret: opts.signingSecret,
        signatureVerification: false,
        logger,
        processBeforeResponse: false,
      });
  // With only a token, Bolt asks Slack's auth.test on every request, before the ack. Ask once,
  // lazily (Slack being slow must not stop rollbot from starting), and keep the answer; a failed
  // answer is not kept, so the next request asks again.
  const identityClient = createSlackClient({ botToken: opts.botToken, apiUrl: opts.apiUrl, log: opts.log });
  let identity:
    Promise<{ botToken: string; botId?: string; botUserId?: string; teamId?: string }> | undefined;
  const authorize = () => {
    identity ??= identityClient.auth.test().then(
      (r) => ({
        botToken: opts.botToken,
        ...(r.bot_id ? { botId: r.bot_id } : {}),
        ...(r.user_id ? { botUserId: r.user_id } : {}),
        ...(r.team_id ? { teamId: r.team_id } : {}),
      }),
      (err: unknown) => {
        identity = undefined;
        throw err;
      },
    );
    return identity;
  };
  const app = new App({ receiver, authorize, logger, clientOptions });

  app.command('/rollback', async ({ command, ack, respond }) => {
    await ack();
    const user = { id: command.user_id, name: command.user_name };
    opts.track(
      opts.handlers.command({
        text: command.text ?? '',
        user,
        channel: command.channel_id,
        respond: async (m) => void (await respond({ response_type: 'ephemeral', ...m })),
      }),
    );
  });

  for (const [actionId, handler] of [
    ['rollback_approve', opts.handlers.approve],
    ['rollback_dismiss', opts.handlers.dismiss],
    ['rollback_cancel', opts.handlers.cancel],
  ] as const) {
    app.action(actionId, async ({ ack, body, action, respond }) => {
      await ack();
      const value = 'value' in action && typeof action.value === 'string' ? action.value : '';
      const user = {
        id: body.user.id,
        name: 'username' in body.user ? (body.user.username as string) : body.user.name,
      };
      const channel = body.channel?.id ?? '';
      opts.track(
        handler(
          value,
          user,
          channel,
          async (m) => void (await respond({ response_type: 'ephemeral', replace_original: false, ...m })),
        ),
      );
    });
  }

  app.error(async (err) => {
    opts.log.error({ err }, 'Slack handler failed');
  });

  return {
    app,
    requestListener: socket
      ? undefined
      : async (req, res) => (receiver as HTTPReceiver).requestListener(req, res),
    start: async () => {
      if (socket) await (receiver as SocketModeReceiver).start();
    },
    stop: async () => {
      if (socket) await (receiver as SocketModeReceiver).stop();
    },
  };
}
