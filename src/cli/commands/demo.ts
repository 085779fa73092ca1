import { resolve } from 'node:path';
import type { Command } from 'commander';
import { createLogger } from '../../log/logger.js';
import { openLogFile } from '../log-file.js';

export function register(program: Command): void {
  program
    .command('demo')
    .description(
      'the whole story offline: a bad release of payments-api pages, rollbot proposes, on-call approves, the runbook rolls back and verifies; writes transcript.md, audit.jsonl and postmortem.md',
    )
    .option(
      '--out <dir>',
      'where to write transcript.md, audit.jsonl, postmortem.md and rollbot.log',
      'demo-out',
    )
    .option('--scenario <file>', 'sandbox scenario YAML (default: the built-in one)')
    .option('--runbooks <dir>', 'runbooks directory', 'runbooks')
    .option('--service <name>', 'service to roll back', 'payments-api')
    .action(async (opts: { out: string; scenario?: string; runbooks: string; service: string }) => {
      const { runStory } = await import('../story/story.js');
      const out = resolve(opts.out);
      const logFile = await openLogFile(out);
      const result = await runStory({
        trigger: 'alert',
        service: opts.service,
        scenarioPath: opts.scenario,
        runbooksDir: opts.runbooks,
        out,
        log: createLogger({ level: process.env.LOG_LEVEL ?? 'debug', destination: logFile.stream }),
        print: (line) => process.stdout.write(`${line}\n`),
      });
      await logFile.close();
      process.stdout.write(`\nWrote ${[...result.files, logFile.path].join(', ')}\n`);
      if (!result.ok) process.exitCode = 1;
    });
}
