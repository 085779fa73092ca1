import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import { asRollbotError } from '../core/errors.js';
import { readBody } from './body.js';
import { type Route, sendJson } from './server.js';
import { verifySlackSignature } from './slack-signature.js';

/** Slack's requests are small; anything bigger is not Slack. */
const MAX_SLACK_BODY = 256 * 1024;

/**
 * POST /slack/events: verify Slack's signature over the raw body, then hand the buffered request
 * to Bolt (which reads `rawBody` instead of the spent stream). Refusals are 401 with a reason.
 */
export function slackEventsRoute(deps: {
  signingSecret: string;
  clock: Clock;
  log: Logger;
  listener: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** Shape check after the signature: a refusal is answered here, never handed to Bolt. */
  check?: (
    contentType: string | undefined,
    raw: Buffer,
  ) => { ok: true } | { ok: false; status: number; body: Record<string, unknown> };
}): Route {
  return {
    method: 'POST',
    path: '/slack/events',
    handler: async (req, res) => {
      let raw: Buffer;
      try {
        raw = await readBody(req, MAX_SLACK_BODY);
      } catch (err) {
        if (asRollbotError(err).details?.['status'] !== 413) {
          // The client went away mid-body (reset, abort): nobody is left to read a reply.
          deps.log.debug({ err }, 'Slack request body could not be read');
          return sendJson(res, 400, { error: 'bad_request', reason: 'the request body could not be read' });
        }
        return sendJson(res, 413, {
          error: 'payload_too_large',
          reason: `Slack requests are under ${MAX_SLACK_BODY} bytes`,
        });
      }
      const verdict = verifySlackSignature(deps.signingSecret, req.headers, raw, deps.clock.now());
      if (!verdict.ok) {
        deps.log.warn({ reason: verdict.reason }, 'refused a Slack request');
        return sendJson(res, 401, { error: 'invalid_signature', reason: verdict.reason });
      }
      const shape = deps.check?.(req.headers['content-type'], raw);
      if (shape && !shape.ok) {
        deps.log.warn(
          { status: shape.status, reason: shape.body.reason },
          'refused a malformed Slack request',
        );
        return sendJson(res, shape.status, shape.body);
      }
      (req as IncomingMessage & { rawBody?: Buffer }).rawBody = raw;
      await deps.listener(req, res);
    },
  };
}
