/**
 * The sandbox's own error: what went wrong with a scenario or a simulator, and what to do about
 * it. The sandbox knows nothing of rollbot, so it does not use rollbot's RollbotError; the CLI
 * that starts the sandbox turns a SandboxError into its own operator-facing message.
 */
export type SandboxErrorCode = 'bad_scenario';

export class SandboxError extends Error {
  readonly code: SandboxErrorCode;
  readonly hint: string | undefined;

  constructor(code: SandboxErrorCode, message: string, opts: { hint?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'SandboxError';
    this.code = code;
    this.hint = opts.hint;
  }
}
