import { resolve } from 'node:path';
import type { Command } from 'commander';
import { createLogger } from '../../log/logger.js';
import { openLogFile } from '../log-file.js';

export function register(program: Command): void {
  program
    .command('drill <runbook>')
    .description(
      'rehearse a runbook end to end against the sandbox: /rollback, approval, every step, verification; prints the transcript',
    )
    .option('--scenario <file>', 'sandbox scenario YAML (default: the built-in one)')
    .option('--runbooks <dir>', 'runbooks directory', 'runbooks')
    .option('--out <dir>', 'where to write the transcript, audit log and postmortem', 'drill-out')
    .action(async (runbook: string, opts: { scenario?: string; runbooks: string; out: string }) => {
      const { runStory } = await import('../story/story.js');
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
    });
}
