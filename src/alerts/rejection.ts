/**
 * Why a webhook request was refused, in the sender's terms: which field of *their* payload
 * failed and why. Every 4xx the webhook handler sends is one of these, serialised as JSON.
 * 4xx means "do not retry" to Alertmanager, so these are only for requests that can never succeed.
 */
import type { z } from 'zod';

export type RejectionError =
  'bad_request' | 'unauthorized' | 'payload_too_large' | 'unsupported_media_type' | 'method_not_allowed';

export interface WebhookRejection {
  status: 400 | 401 | 405 | 413 | 415;
  error: RejectionError;
  /** The failing field, e.g. `alerts[0].labels`; `(body)` for the body as a whole. */
  field?: string;
  reason: string;
}

export const badRequest = (field: string, reason: string): WebhookRejection => ({
  status: 400,
  error: 'bad_request',
  field,
  reason,
});

/** `['alerts', 0, 'labels', 'team x']` → `alerts[0].labels["team x"]`; `[]` → `(body)`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else {
      const name = String(key);
      if (/^[A-Za-z_$][\w$]*$/.test(name)) out += out === '' ? name : `.${name}`;
      else out += `[${JSON.stringify(name)}]`;
    }
  }
  return out === '' ? '(body)' : out;
}

/** JSON-ish type name of a value, as a sender would say it. */
export function describeType(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, key)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function quote(value: unknown): string {
  // Objects as JSON: String() would call the sender's own "toString" key ({"toString": false} threw).
  const text =
    typeof value === 'string' || (typeof value === 'object' && value !== null)
      ? JSON.stringify(value)
      : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The first zod issue as a 400 naming the field in the payload's own terms. */
export function rejectionFromZod(error: z.core.$ZodError, payload: unknown): WebhookRejection {
  const issue = error.issues[0];
  if (!issue) return badRequest('(body)', 'invalid payload');
  const field = formatPath(issue.path);
  const actual = valueAt(payload, issue.path);
  switch (issue.code) {
    case 'invalid_type': {
      const expected = issue.expected === 'record' ? 'object' : issue.expected;
      if (actual === undefined) return badRequest(field, `required ${expected} is missing`);
      return badRequest(field, `expected ${expected}, received ${describeType(actual)}`);
    }
    case 'invalid_value': {
      // A schema-specific message (e.g. the payload version) says more than the option list.
      if (!issue.message.startsWith('Invalid ')) {
        return badRequest(
          field,
          actual === undefined ? `required; ${issue.message}` : `${issue.message}, received ${quote(actual)}`,
        );
      }
      const options = issue.values.map((v) => quote(v)).join(' | ');
      if (actual === undefined) return badRequest(field, `required; expected ${options}`);
      return badRequest(field, `expected ${options}, received ${quote(actual)}`);
    }
    case 'invalid_key': {
      // The path names the offending key; the nested issue says what keys must look like.
      const inner = issue.issues[0]?.message ?? 'not allowed';
      return badRequest(field, `invalid key: ${inner.replace(/^Invalid input: /, '')}`);
    }
    case 'invalid_format':
      if (actual === undefined) return badRequest(field, `required; ${issue.message}`);
      return badRequest(field, `${issue.message}, received ${quote(actual)}`);
    default:
      // Custom refinements and size limits carry messages written for senders.
      return badRequest(field, issue.message.replace(/^Invalid input: /, ''));
  }
}
