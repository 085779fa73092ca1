import type { RateLimiter } from './rate-limit.js';
import type { AppIdentity } from './shapes.js';
import type { SlackState } from './state.js';

/** What every Web API method handler gets. */
export interface MethodContext {
  state: SlackState;
  app: AppIdentity;
  limiter: RateLimiter;
  /** Simulator time of the channel's creation, for `created` fields. */
  createdAt: number;
}

export type Args = Record<string, unknown>;
export type MethodHandler = (ctx: MethodContext, args: Args) => Record<string, unknown>;
