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
  return runStoryCommand(
    'demo',
    { trigger: 'alert', service: opts.service, scenarioPath: opts.scenario, runbooksDir: opts.runbooks },
    opts,
  );
}
