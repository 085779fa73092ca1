import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Scenario } from '../scenario/schema.js';
import { type ClickOptions, type DeliveryResult, SlackActor } from './actor.js';
import { SlackFaults } from './faults.js';
import { sendJson } from './http-util.js';
import { handleInspect } from './inspect-http.js';
import { DEFAULT_RATE_LIMIT, RateLimiter, type RateLimitOptions } from './rate-limit.js';
import { renderMessage } from './render.js';
import { ResponseUrls } from './response-url.js';
import type { AppIdentity } from './shapes.js';
import { type SimChannel, type SlackSimEvents, SlackState, type SlackWorkspace } from './state.js';
import type { ApiCall, ResponseUrlPost, StoredEphemeral, StoredMessage } from './types.js';
import { handleWebApi } from './web-api.js';
import type { EventEmitter } from 'node:events';

export interface SlackSimulatorOptions {
  scenario: Scenario;
  signingSecret: string;
  /** The bot token the Web API accepts (`xoxb-…`). */
  botToken: string;
  host?: string | undefined;
  /** 0 (default) picks a free port. */
  port?: number | undefined;
  /** Time for message ts, rate limits and response_url expiry (default: system time). Signing always uses real time, as Bolt checks it against the system clock. */
  clock?: { now(): number } | undefined;
  /** Slack's rate limits: chat.postMessage per channel (default burst 10, 1/s) and every method's tier (rate-limit.ts); `false` disables them for benchmarks. */
  rateLimit?: RateLimitOptions | false | undefined;
  /** The app's request URL for commands and interactions (Bolt's `/slack/events`); or `setEventsUrl` later. */
  eventsUrl?: string | undefined;
  /** Slack gives up waiting for an ack after 3 s. */
  ackTimeoutMs?: number | undefined;
  appId?: string | undefined;
  botId?: string | undefined;
  botName?: string | undefined;
  /** The deprecated verification token Slack still puts in payloads. */
  verificationToken?: string | undefined;
}

export interface SlackSimulator {
  /** `http://host:port` */
  readonly url: string;
  /** `<url>/api/` — give to WebClient / Bolt as `slackApiUrl`. */
  readonly apiUrl: string;
  readonly app: AppIdentity;
  readonly workspace: SlackWorkspace;
  readonly events: EventEmitter<SlackSimEvents>;
  /** Injected failures for the next N Web API calls of a method. */
  readonly faults: SlackFaults;
  setEventsUrl(url: string): void;
  /** A scenario user, to type commands and click buttons. */
  as(userId: string): SlackActor;
  channels(): SimChannel[];
  /** Top-level messages of a channel (id, `#name` or name), with edit history; oldest first. */
  messages(channel: string): StoredMessage[];
  message(channel: string, ts: string): StoredMessage | undefined;
  replies(channel: string, threadTs: string): StoredMessage[];
  ephemerals(userId?: string): StoredEphemeral[];
  responses(): ResponseUrlPost[];
  calls(method?: string): ApiCall[];
  /** Resolves with the predicate's first truthy value (checked on every change); default timeout 10 s. */
  waitFor<T>(predicate: () => T | undefined | null | false, timeoutMs?: number): Promise<T>;
  /** A channel as plain text, threads indented: for transcripts and failing-test output. */
  transcript(channel: string): string;
  resetRateLimits(): void;
  close(): Promise<void>;
}

export type { ClickOptions, DeliveryResult };

export async function startSlackSimulator(opts: SlackSimulatorOptions): Promise<SlackSimulator> {
  const now = opts.clock ? () => opts.clock!.now() : () => Date.now();
  const ws = opts.scenario.slack;
  const app: AppIdentity = {
    teamId: ws.teamId,
    teamName: ws.teamName,
    domain: ws.teamName.toLowerCase().replace(/[^a-z0-9-]/g, '-'),
    botUserId: ws.botUserId,
    botId: opts.botId ?? 'B0ROLLBOT',
    appId: opts.appId ?? 'A0ROLLBOT',
    botName: opts.botName ?? 'rollbot',
  };
  const state = new SlackState(ws, now);
  const limiter = new RateLimiter(opts.rateLimit === undefined ? DEFAULT_RATE_LIMIT : opts.rateLimit, now);
  const faults = new SlackFaults();
  const createdAt = now();
  let baseUrl = '';
  let eventsUrl = opts.eventsUrl;
  const responseUrls = new ResponseUrls(state, app, () => baseUrl);
  const actorDeps = {
    state,
    app,
    responseUrls,
    signingSecret: opts.signingSecret,
    verificationToken: opts.verificationToken ?? 'sandboxVerificationToken',
    ackTimeoutMs: opts.ackTimeoutMs ?? 3000,
    eventsUrl: () => {
      if (!eventsUrl) throw new Error('slack simulator: no events URL (pass eventsUrl or call setEventsUrl)');
      return eventsUrl;
    },
  };
  const ctx = { state, app, limiter, createdAt };
  const tokens = new Set([opts.botToken]);
  const channelId = (ref: string) => state.resolveChannel(ref)?.id ?? ref;

  const sim: SlackSimulator = {
    get url() {
      return baseUrl;
    },
    get apiUrl() {
      return `${baseUrl}/api/`;
    },
    app,
    workspace: ws,
    events: state.events,
    faults,
    setEventsUrl: (url) => void (eventsUrl = url),
    as: (userId) => new SlackActor(actorDeps, userId),
    channels: () => [...state.channels.values()],
    messages: (channel) => state.channelMessages(channelId(channel)),
    message: (channel, ts) => state.findMessage(channelId(channel), ts),
    replies: (channel, threadTs) => state.threadReplies(channelId(channel), threadTs),
    ephemerals: (userId) =>
      state.ephemeralList.filter((e) => !e.deleted && (userId === undefined || e.user === userId)),
    responses: () => [...state.responseList],
    calls: (method) => state.callList.filter((c) => method === undefined || c.method === method),
    waitFor: (predicate, timeoutMs) => state.waitFor(predicate, timeoutMs),
    transcript: (channel) => transcript(sim, channel),
    resetRateLimits: () => limiter.reset(),
    close: () => closeServer(server),
  };

  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const route = async () => {
      if (path.startsWith('/api/')) return handleWebApi(req, res, path.slice(5), { ctx, faults, tokens });
      if (path.startsWith('/hooks/') && req.method === 'POST')
        return responseUrls.handle(req, res, path.slice(7));
      if (path.startsWith('/_sandbox/')) return handleInspect(sim, req, res, path.slice(10));
      sendJson(res, 404, { ok: false, error: 'not_found' });
    };
    route().catch((err: Error) => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: 'internal_error', detail: err.message });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  baseUrl = `http://${host}:${addr.port}`;
  return sim;
}

function transcript(sim: SlackSimulator, channel: string): string {
  const users = Object.fromEntries(sim.workspace.users.map((u) => [u.id, u.name]));
  const name = (id: string) => (id === sim.app.botUserId ? sim.app.botName : (users[id] ?? id));
  const out: string[] = [];
  for (const m of sim.messages(channel)) {
    out.push(
      `[${m.ts}] ${name(m.user)}${m.edited ? ' (edited)' : ''}:`,
      indent(renderMessage(m, { users }), '  '),
    );
    for (const r of sim.replies(channel, m.ts)) {
      out.push(`  ↳ [${r.ts}] ${name(r.user)}:`, indent(renderMessage(r, { users }), '    '));
    }
  }
  return out.join('\n');
}

const indent = (text: string, pad: string) =>
  text
    .split('\n')
    .map((l) => pad + l)
    .join('\n');

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
