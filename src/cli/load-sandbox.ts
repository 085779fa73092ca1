import { asRollbotError, RollbotError } from '../core/errors.js';

export type SandboxEntry = typeof import('./sandbox/index.js');

/**
 * Loads the CLI's sandbox entry (`rollbot demo | drill | sandbox`, and `serve` in sandbox mode)
 * on first use. It is a dynamic import so that nothing else in the CLI pulls the simulators in.
 */
export async function loadSandbox(): Promise<SandboxEntry> {
  try {
    return await import('./sandbox/index.js');
  } catch (err) {
    // Only the sandbox itself being absent means "not here"; any other failure is a real bug.
    const missing = (err as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND';
    if (missing && /rollbot-sandbox|@rollbot\/sandbox/.test((err as Error).message))
      throw new RollbotError('not_found', 'the sandbox is not part of this image', {
        hint: 'run it from a checkout: npm ci && npm run demo',
        cause: err,
      });
    throw err;
  }
}

/** Runs a sandbox command, or says plainly why it cannot run here (exit 1, no stack trace). */
export async function withSandbox(run: (sandbox: SandboxEntry) => Promise<void>): Promise<void> {
  let sandbox: SandboxEntry;
  try {
    sandbox = await loadSandbox();
  } catch (err) {
    const e = asRollbotError(err);
    process.stderr.write(`rollbot: ${e.message}\n${e.hint ? `  ${e.hint}\n` : ''}`);
    process.exitCode = 1;
    return;
  }
  await run(sandbox);
}
