/**
 * The one place rollbot builds Slack Web API clients: `@slack/web-api` with rollbot's retry
 * policy and its logger routed into pino. WebClient's default logger prints `[WARN]
 * web-api:WebClient:0 …` lines straight to stdout, which breaks a JSON log stream; Bolt takes
 * the same logger (bolt-js `App.ts` hands its logger to the clients it builds).
 */
import { LogLevel, type Logger as SlackLogger, WebClient } from '@slack/web-api';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../log/logger.js';
import { EditLane } from './edit-lane.js';
import { type SlackGateway, WebClientGateway } from './gateway.js';
import type { EditRoute } from './notifier.js';

/** Retries of a failed Web API call (429s wait out Slack's `Retry-After`). */
const SLACK_RETRIES = 2;

/** Slack's debug output (every request body and result) is rollbot's trace: too much for debug. */
const PINO_LEVEL = {
  [LogLevel.DEBUG]: 'trace',
  [LogLevel.INFO]: 'info',
  [LogLevel.WARN]: 'warn',
  [LogLevel.ERROR]: 'error',
} as const;

/**
 * A @slack/logger Logger writing into pino. Slack's libraries log strings and Error objects:
 * an Error becomes pino's `err`, anything else is joined into the message.
 */
export function slackLogger(log: Logger, component: string): SlackLogger {
  let child = log.child({ component });
  let level = LogLevel.INFO;
  const write =
    (l: LogLevel) =>
    (...parts: unknown[]) => {
      if (!child.isLevelEnabled(PINO_LEVEL[l])) return; // Slack logs every request body: format none for nothing
      const err = parts.find((p): p is Error => p instanceof Error);
      const text = parts
        .filter((p) => p !== err)
        .map((p) => (typeof p === 'string' ? p : JSON.stringify(p)))
        .join(' ');
      child[PINO_LEVEL[l]](err ? { err } : {}, text || err?.message || '');
    };
  return {
    debug: write(LogLevel.DEBUG),
    info: write(LogLevel.INFO),
    warn: write(LogLevel.WARN),
    error: write(LogLevel.ERROR),
    // pino's own level decides what is written; Slack's level only stops it calling us for less.
    setLevel: (l) => (level = l),
    getLevel: () => level,
    setName: (name) => (child = log.child({ component, name })),
  };
}

export interface SlackClientOptions {
  botToken: string;
  /** SLACK_API_URL (a Slack double in tests and the sandbox); default Slack's. */
  apiUrl?: string | undefined;
  log: Logger;
  /**
   * `main` (default): posts, replies, lookups; WebClient retries, waiting out a 429's Retry-After
   * (which pauses that client's whole queue). `edits`: the edit lane's own client — no retries
   * and 429s rejected at once, so the lane decides what to re-send and nothing else ever waits.
   */
  lane?: 'main' | 'edits' | undefined;
}

/** The options every WebClient rollbot makes shares (Bolt's clientOptions too). */
export function slackClientOptions(opts: Omit<SlackClientOptions, 'botToken'>) {
  const edits = opts.lane === 'edits';
  return {
    ...(opts.apiUrl ? { slackApiUrl: opts.apiUrl } : {}),
    retryConfig: { retries: edits ? 0 : SLACK_RETRIES },
    ...(edits ? { rejectRateLimitedCalls: true } : {}),
    logger: slackLogger(opts.log, edits ? 'slack-edits' : 'slack'),
  };
}

export function createSlackClient(opts: SlackClientOptions): WebClient {
  return new WebClient(opts.botToken, slackClientOptions(opts));
}

/** The Slack adapter the domain talks to, over its own client from `createSlackClient`. */
export function createSlackGateway(
  opts: SlackClientOptions & { clock: Pick<Clock, 'now'> },
): WebClientGateway {
  return new WebClientGateway(createSlackClient(opts), () => opts.clock.now());
}

/**
 * Where message edits go (issue 14): the edit lane over a second WebClient that neither retries
 * nor pauses, so a chat.update 429 never holds up approvals, replies or proposals. A gateway the
 * world gives (tests) is used as is. The lane paces on the system clock: Slack's limits run on
 * real time, whatever clock the domain uses.
 */
export function createEditRoute(
  opts: SlackClientOptions & {
    clock: Pick<Clock, 'now'>;
    world: { slack?: SlackGateway | undefined; slackEdits?: SlackGateway | undefined };
    read: EditRoute['read'];
    track: EditRoute['track'];
  },
): EditRoute {
  return {
    lane: new EditLane({ log: opts.log.child({ component: 'slack-edits' }) }),
    slack:
      opts.world.slackEdits ??
      opts.world.slack ??
      createSlackGateway({
        botToken: opts.botToken,
        apiUrl: opts.apiUrl,
        log: opts.log,
        clock: opts.clock,
        lane: 'edits',
      }),
    read: opts.read,
    track: opts.track,
  };
}
