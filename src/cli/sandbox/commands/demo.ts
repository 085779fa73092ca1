import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_SCENARIOS, scenarioPath } from '@rollbot/sandbox/scenario';
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
  // `--scenario gitops` names a built-in world; its runbooks live in runbooks/<name>/ when the
  // default runbooks directory is in use.
  const name = BUILTIN_SCENARIOS.find((n) => n === opts.scenario && !existsSync(n));
  const own = name && opts.runbooks === 'runbooks' ? join(opts.runbooks, name) : undefined;
  return runStoryCommand(
    'demo',
    {
      trigger: 'alert',
      service: opts.service,
      scenarioPath: name ? scenarioPath(name) : opts.scenario,
      runbooksDir: own && existsSync(own) ? own : opts.runbooks,
    },
    opts,
  );
}
