/**
 * Field types shared by the runbook and step schemas. Custom checks carry `params.hint`, which
 * the loader turns into the "(hint: …)" operators see from `rollbot runbooks lint`.
 */
import { z } from 'zod';
import { DURATION_PATTERN, tryParseDuration } from './duration.js';

const DURATION_HINT = 'write a number and a unit (ms, s, m, h, d), e.g. 500ms, 30s, 10m, 2h or 1h30m';

/** A duration string in the runbook (`30s`, `10m`); milliseconds once parsed. */
export const duration = (description: string) =>
  z
    .string({ error: 'expected a duration string such as "30s" or "10m"' })
    .meta({ description, pattern: DURATION_PATTERN, examples: ['30s', '10m', '2h'] })
    .transform((text, ctx) => {
      const ms = tryParseDuration(text);
      if (ms === undefined) {
        ctx.issues.push({
          code: 'custom',
          input: text,
          message: `"${text}" is not a duration`,
          params: { hint: DURATION_HINT },
        });
        return z.NEVER;
      }
      return ms;
    });

/** Slack channel ids: public `C…`, private `G…`. */
export const channelId = z
  .string()
  .regex(/^[CG][A-Z0-9]{2,}$/, { error: 'expected a Slack channel id such as C0PAYMENTS (not a #name)' })
  .describe('Slack channel id (C… or G…); copy it from the channel details, not the #name');

export const userId = z
  .string()
  .regex(/^[UW][A-Z0-9]{2,}$/, { error: 'expected a Slack user id such as U0BOB (not a @name)' })
  .describe('Slack user id (U… or W…)');

export const groupId = z
  .string()
  .regex(/^S[A-Z0-9]{2,}$/, { error: 'expected a Slack user group id such as S0SREONCALL (not a @handle)' })
  .describe('Slack user group id (S…)');

export const githubRepo = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, { error: 'expected a GitHub repository as owner/name' })
  .describe('GitHub repository, owner/name');

/** Prometheus label names (also what `fromLabel` may name). */
export const labelName = z
  .string()
  .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, { error: 'expected a label name ([a-zA-Z_][a-zA-Z0-9_]*)' });

/**
 * Text that may hold `{{ incident.id }}`-style placeholders, kept verbatim (the executor
 * interpolates). Only the braces are checked here, so a half-typed placeholder is caught early.
 */
export const templated = (description: string) =>
  z
    .string()
    .describe(`${description}; may contain {{ placeholders }}`)
    .superRefine((text, ctx) => {
      const opens = text.split('{{').length - 1;
      const closes = text.split('}}').length - 1;
      if (opens !== closes || /\{\{\s*\}\}/.test(text)) {
        ctx.addIssue({
          code: 'custom',
          message: `unbalanced or empty placeholder in ${JSON.stringify(text)}`,
          params: { hint: 'placeholders look like {{ incident.id }}, {{ service }}, {{ env.NAME }}' },
        });
      }
    });

/** An http(s) URL, or text starting with a placeholder that the executor fills in. */
export const templatedUrl = (description: string) =>
  templated(description).superRefine((text, ctx) => {
    if (text.trimStart().startsWith('{{')) return;
    let ok = false;
    try {
      ok = ['http:', 'https:'].includes(new URL(text).protocol);
    } catch {
      ok = false; // not a URL at all: the issue below says what is expected
    }
    if (!ok) {
      ctx.addIssue({
        code: 'custom',
        message: `${JSON.stringify(text)} is not an http(s) URL`,
        params: {
          hint: 'write a full URL such as https://host/path, or start with a placeholder like {{ env.BASE_URL }}',
        },
      });
    }
  });

/** Accepts one status code or a list; always a list once parsed. */
export const statusCodes = (description: string) =>
  z
    .union([z.number().int().min(100).max(599), z.array(z.number().int().min(100).max(599)).min(1)])
    .describe(description)
    .transform((v) => (Array.isArray(v) ? v : [v]));
