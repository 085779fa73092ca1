import { runStoryCommand } from '../story/command.js';

export interface DrillOptions {
  scenario?: string | undefined;
  runbooks: string;
  out: string;
  /** The environment with the Redis flags applied (redis-options.ts). */
  env: NodeJS.ProcessEnv;
}

/** `rollbot drill <runbook>`: /rollback, approval, every step and check, against the sandbox. */
export function runDrill(runbook: string, opts: DrillOptions): Promise<void> {
  return runStoryCommand(
    'drill',
    {
      trigger: 'command',
      service: runbook,
      scenarioPath: opts.scenario,
      runbooksDir: opts.runbooks,
      timeoutMs: 120_000,
    },
    opts,
  );
}
