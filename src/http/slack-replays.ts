/**
 * At most one effect per Slack request. Slack re-sends a request it thinks went unanswered
 * (`X-Slack-Retry-Num`, re-signed with a fresh timestamp), and anyone holding a captured request
 * can replay it byte for byte while its signature is still inside the 5-minute window. Both carry
 * the same body — and every genuine slash command or click has a body of its own (`trigger_id`) —
 * so the first time a body is seen it is claimed in the shared store for longer than the window;
 * every later arrival, on any replica, is acknowledged and does nothing.
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from 'pino';
import type { Store } from '../store/index.js';
import { MAX_SKEW_SECONDS } from './slack-signature.js';

/** Longer than a signature stays acceptable (5 minutes either way of its timestamp). */
const CLAIM_MS = 2 * MAX_SKEW_SECONDS * 1000 + 60_000;

export type ReplayGuard = (raw: Buffer, headers: IncomingHttpHeaders) => Promise<boolean>;

/** Answers whether this request body was already handled (then it must have no effect). */
export function slackReplayGuard(store: Store, log: Logger): ReplayGuard {
  return async (raw, headers) => {
    const digest = createHash('sha256').update(raw).digest('hex');
    const retry = headers['x-slack-retry-num'];
    try {
      const fresh = await store.set(`slack-request:${digest}`, String(retry ?? 0), {
        ifAbsent: true,
        ttlMs: CLAIM_MS,
      });
      if (!fresh)
        log.info(
          { retryNum: retry, retryReason: headers['x-slack-retry-reason'] },
          'Slack request already handled (retry or replay): acknowledged, no effect',
        );
      return !fresh;
    } catch (err) {
      // Without the store nothing can be approved or changed anyway (every move is a
      // compare-and-set there); let the request through so the person hears that.
      log.warn({ err }, 'could not check the Slack request for a replay');
      return false;
    }
  };
}
