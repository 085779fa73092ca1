/**
 * Coded errors: every failure an operator can see carries a stable `code`, a message that says
 * what happened and why, and a `hint` that says what to do next. One normaliser (`asRollbotError`)
 * turns anything thrown into one of these; HTTP replies and Slack messages are made from them.
 */
export type ErrorCode =
  | 'config_invalid'
  | 'bad_input'
  | 'unauthorized'
  | 'not_found'
  | 'conflict'
  | 'forbidden'
  | 'stale_plan'
  | 'store_unavailable'
  | 'upstream_failed'
  | 'timeout'
  | 'cancelled'
  | 'internal';

export class RollbotError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { hint?: string; cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'RollbotError';
    this.code = code;
    this.hint = opts.hint;
    this.details = opts.details;
  }

  /** "message. hint" — the one-line form operators read in Slack and in the CLI. */
  get operatorMessage(): string {
    return this.hint ? `${this.message}. ${this.hint}` : this.message;
  }
}

export function asRollbotError(err: unknown): RollbotError {
  if (err instanceof RollbotError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new RollbotError('internal', message, { cause: err });
}

/** HTTP status for an error code, for the places that answer HTTP. */
export function httpStatusFor(code: ErrorCode): number {
  switch (code) {
    case 'bad_input':
    case 'config_invalid':
      return 400;
    case 'unauthorized':
      return 401;
    case 'forbidden':
      return 403;
    case 'not_found':
      return 404;
    case 'conflict':
    case 'stale_plan':
      return 409;
    case 'store_unavailable':
      return 503;
    case 'upstream_failed':
      return 502;
    case 'timeout':
      return 504;
    default:
      return 500;
  }
}
