import { z } from 'zod';

/**
 * The shape check for a Slack request whose signature already verified (invariant 6: every input
 * is validated at the edge). Bolt alone would answer a malformed or unknown request with a bare
 * 400/500, or with nothing for 3 s and then a 404 (no listener acked); rollbot answers at once:
 * 4xx with a JSON reason, or, for a slash command it does not own, a 200 the user reads.
 */
export const SLACK_COMMAND = '/rollback';
export const SLACK_ACTIONS = ['rollback_approve', 'rollback_dismiss', 'rollback_cancel'] as const;

export type SlackPayloadVerdict =
  | { ok: true }
  /** Answer with this status and JSON body instead of handing the request to Bolt. */
  | { ok: false; status: number; body: Record<string, unknown> };

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';
const MAX_FIELD = 40_000; // Slack's own fields are far smaller; text is capped by Slack at 4000 chars

// Slack ids (U…, C…, T…, E…) are upper-case letters and digits. Bolt keys a client pool by the
// team / enterprise id of each request: `__proto__` there made it throw (a 500), and every new
// id grew the pool, so ids are checked before Bolt sees them.
const id = z.string().regex(/^[A-Z0-9]{1,64}$/, 'expected a Slack id (upper-case letters and digits)');
const commandSchema = z.object({
  command: z.string().min(1).max(255),
  text: z.string().max(MAX_FIELD).optional(),
  user_id: id,
  channel_id: id,
  team_id: id.optional(),
  enterprise_id: id.optional(),
  response_url: z.string().min(1).max(2000),
});
const actionsSchema = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id, team_id: id.optional() }),
  team: z.object({ id: id.optional(), enterprise_id: id.optional() }).nullable().optional(),
  enterprise: z.object({ id: id.optional() }).nullable().optional(),
  channel: z.object({ id }).optional(),
  response_url: z.string().min(1).max(2000),
  actions: z
    .array(z.object({ action_id: z.string().min(1).max(255), value: z.string().max(2000).optional() }))
    .min(1),
});

const refuse = (status: number, error: string, reason: string): SlackPayloadVerdict => ({
  ok: false,
  status,
  body: { error, reason },
});

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid payload';
  const field = issue.path.length ? issue.path.join('.') : '(payload)';
  return `${field}: ${issue.message}`;
}

export function checkSlackPayload(contentType: string | undefined, raw: Buffer): SlackPayloadVerdict {
  // Bolt compares the content type exactly; say so instead of its bare 400.
  if (contentType === JSON_TYPE) return checkJsonBody(raw);
  if (contentType !== FORM) {
    return refuse(
      415,
      'unsupported_media_type',
      `expected ${FORM} or ${JSON_TYPE} exactly, got ${JSON.stringify(String(contentType ?? '').slice(0, 100))}`,
    );
  }
  const form = new URLSearchParams(raw.toString('utf8'));
  if (form.get('ssl_check') === '1') return { ok: true };
  const payloadText = form.get('payload');
  if (payloadText === null) {
    const parsed = commandSchema.safeParse(Object.fromEntries(form));
    if (!parsed.success)
      return refuse(
        400,
        'bad_request',
        `not a slash command rollbot understands: ${firstIssue(parsed.error)}`,
      );
    if (parsed.data.command !== SLACK_COMMAND) {
      // The ack body of a slash command is shown to the person who typed it.
      return {
        ok: false,
        status: 200,
        body: {
          response_type: 'ephemeral',
          text: `rollbot only answers \`${SLACK_COMMAND}\`, not \`${parsed.data.command.slice(0, 100)}\`.`,
        },
      };
    }
    return { ok: true };
  }
  let payload: unknown;
  try {
    payload = JSON.parse(payloadText);
  } catch {
    // The syntax error itself would only echo the attacker's bytes: the 400 says what is wrong.
    return refuse(400, 'bad_request', 'the payload field is not JSON');
  }
  const type =
    typeof payload === 'object' && payload !== null ? (payload as { type?: unknown }).type : undefined;
  if (type !== 'block_actions') {
    return refuse(
      400,
      'unsupported_interaction',
      `rollbot handles button clicks (block_actions) only, got type ${JSON.stringify(type ?? null)?.slice(0, 100)}`,
    );
  }
  const parsed = actionsSchema.safeParse(payload);
  if (!parsed.success)
    return refuse(400, 'bad_request', `malformed block_actions payload: ${firstIssue(parsed.error)}`);
  const actionId = parsed.data.actions[0]!.action_id;
  if (!(SLACK_ACTIONS as readonly string[]).includes(actionId)) {
    return refuse(400, 'unknown_action', `rollbot has no button ${JSON.stringify(actionId.slice(0, 100))}`);
  }
  return { ok: true };
}

function checkJsonBody(raw: Buffer): SlackPayloadVerdict {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    // As above: the refusal names the problem; the bytes stay out of the reply.
    return refuse(400, 'bad_request', 'the body is not JSON');
  }
  const type = typeof body === 'object' && body !== null ? (body as { type?: unknown }).type : undefined;
  // Bolt answers Slack's URL check itself; rollbot subscribes to no events.
  if (type === 'url_verification' && typeof (body as { challenge?: unknown }).challenge === 'string')
    return { ok: true };
  return refuse(
    400,
    'unsupported_event',
    'rollbot subscribes to no Events API events (slash commands and buttons only)',
  );
}
