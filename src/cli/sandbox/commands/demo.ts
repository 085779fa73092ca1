import { resolve } from 'node:path';
import { createLogger } from '../../../log/logger.js';
import { openLogFile } from '../../log-file.js';
import { runStory } from '../story/story.js';

export interface DemoOptions {
  out: string;
  scenario?: string;
  runbooks: string;
  service: string;
}

/** `rollbot demo`: the alert story in the sandbox, narrated on stdout; logs go to <out>/rollbot.log. */
export async function runDemo(opts: DemoOptions): Promise<void> {
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
}
