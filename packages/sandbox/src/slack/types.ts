/**
 * Data the Slack simulator keeps and hands to tests. Shapes follow what Slack stores and returns
 * (message objects as in `chat.postMessage`'s `message`, `conversations.history`).
 */
export type Block = Record<string, unknown>;

/** One version of a message's content (chat.update keeps the previous ones in `history`). */
export interface MessageVersion {
  text: string;
  blocks?: Block[] | undefined;
  /** Simulator time (ms) at which a newer version replaced this one. */
  replacedAt: number;
}

export interface StoredMessage {
  channel: string;
  ts: string;
  /** Author: the bot user for Web API posts, a workspace user for user posts. */
  user: string;
  /** Set when a bot (the app) posted it; chat.update only edits these. */
  botId?: string | undefined;
  text: string;
  blocks?: Block[] | undefined;
  /** Parent ts when this is a thread reply. */
  threadTs?: string | undefined;
  replyBroadcast?: boolean | undefined;
  /** Earlier versions, oldest first (empty until chat.update / replace_original). */
  history: MessageVersion[];
  edited?: { user: string; ts: string } | undefined;
  deleted: boolean;
  postedAt: number;
}

export interface StoredEphemeral {
  channel: string;
  user: string;
  ts: string;
  text: string;
  blocks?: Block[] | undefined;
  threadTs?: string | undefined;
  /** How it was produced: a Web API call, a response_url post, or a slash command's ack body. */
  via: 'chat.postEphemeral' | 'response_url' | 'ack';
  history: MessageVersion[];
  deleted: boolean;
  postedAt: number;
}

export interface ApiCall {
  method: string;
  args: Record<string, unknown>;
  /** HTTP status the simulator answered with (200, 429, 5xx). */
  status: number;
  result: Record<string, unknown>;
  at: number;
}

export interface ResponseUrlPost {
  url: string;
  kind: 'commands' | 'actions';
  body: unknown;
  status: number;
  result: Record<string, unknown>;
  at: number;
}

/** A failure injected for the next `times` Web API calls of a method (all methods when absent). */
export interface SlackFault {
  method?: string | RegExp | undefined;
  /** HTTP status: 429 answers `ratelimited` with Retry-After; 5xx an HTTP error; 200 (default) `ok:false`. */
  status?: number | undefined;
  /** Slack error code for `ok:false` answers (default `fatal_error`, or `ratelimited` for 429). */
  error?: string | undefined;
  /** Seconds in the Retry-After header of a 429 (default 1). */
  retryAfter?: number | undefined;
  /** Delay before answering, to simulate a slow Slack. */
  delayMs?: number | undefined;
  /** How many calls it applies to (default 1). */
  times?: number | undefined;
}
