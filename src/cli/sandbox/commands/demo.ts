import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BUILT_IN_SCENARIOS } from '@rollbot/sandbox/scenario';
import { runStoryCommand } from '../story/command.js';

export interface DemoOptions {
  out: string;
  scenario?: string | undefined;
  runbooks: string;
  service: string;
  /** The environment with the Redis flags applied (redis-options.ts). */
  env: NodeJS.ProcessEnv;
}

/** `rollbot demo`: the alert story in the sandbox, narrated on stdout; logs go to <out>/rollbot.log. */
export function runDemo(opts: DemoOptions): Promise<void> {
  // A built-in world may bring its own runbooks (runbooks/gitops/ for `--scenario gitops`): used
  // when the default runbooks directory is, and the name is not also a file.
  const name = BUILT_IN_SCENARIOS.find((n) => n === opts.scenario && !existsSync(n));
  const own = name && opts.runbooks === 'runbooks' ? join(opts.runbooks, name) : undefined;
  return runStoryCommand(
    'demo',
    {
      trigger: 'alert',
      service: opts.service,
      scenarioPath: opts.scenario,
      runbooksDir: own && existsSync(own) ? own : opts.runbooks,
    },
    opts,
  );
}
