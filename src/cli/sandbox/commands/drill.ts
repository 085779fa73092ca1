import { resolve } from 'node:path';
import { createLogger } from '../../../log/logger.js';
import { openLogFile } from '../../log-file.js';
import { runStory } from '../story/story.js';

export interface DrillOptions {
  scenario?: string;
  runbooks: string;
  out: string;
}

/** `rollbot drill <runbook>`: /rollback, approval, every step and check, against the sandbox. */
export async function runDrill(runbook: string, opts: DrillOptions): Promise<void> {
  const out = resolve(opts.out);
  const logFile = await openLogFile(out);
  try {
    const result = await runStory({
      trigger: 'command',
      service: runbook,
      scenarioPath: opts.scenario,
      runbooksDir: opts.runbooks,
      out,
      log: createLogger({ level: process.env.LOG_LEVEL ?? 'debug', destination: logFile.stream }),
      print: (line) => process.stdout.write(`${line}\n`),
      timeoutMs: 120_000,
    });
    process.stdout.write(
      `\nDrill ${result.ok ? 'passed' : 'FAILED'}. Wrote ${[...result.files, logFile.path].join(', ')}\n`,
    );
    if (!result.ok) process.exitCode = 1;
  } catch (err) {
    process.stderr.write(`drill could not run: ${(err as Error).message}\n`);
    process.exitCode = 1;
  } finally {
    await logFile.close();
  }
}
