import { resolve } from 'node:path';
import { logLevelFrom } from '../../../config/index.js';
import { createLogger } from '../../../log/logger.js';
import { openLogFile } from '../../log-file.js';
import { reportCliError } from '../../redis-options.js';
import { runStory, type StoryOptions } from './story.js';

/**
 * `rollbot demo` and `rollbot drill`: run the story, print where its files went, exit 1 when the
 * rollback did not succeed or the story could not run at all (the message says why; nothing it
 * started is left running).
 */
export async function runStoryCommand(
  what: 'demo' | 'drill',
  story: Pick<StoryOptions, 'trigger' | 'service' | 'scenarioPath' | 'runbooksDir' | 'timeoutMs'>,
  opts: { out: string; env: NodeJS.ProcessEnv },
): Promise<void> {
  const out = resolve(opts.out);
  const logFile = await openLogFile(out);
  try {
    const result = await runStory({
      ...story,
      out,
      env: opts.env,
      log: createLogger({ level: logLevelFrom(opts.env, 'debug'), destination: logFile.stream }),
      print: (line) => process.stdout.write(`${line}\n`),
    });
    const verdict = what === 'drill' ? `Drill ${result.ok ? 'passed' : 'FAILED'}. ` : '';
    process.stdout.write(`\n${verdict}Wrote ${[...result.files, logFile.path].join(', ')}\n`);
    if (!result.ok) process.exitCode = 1;
  } catch (err) {
    reportCliError(err, ` — the ${what} could not run (log: ${logFile.path})`);
  } finally {
    await logFile.close();
  }
}
