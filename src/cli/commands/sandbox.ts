import type { Command } from 'commander';
import { withSandbox } from '../load-sandbox.js';
import type { Env } from '../redis-options.js';
import { examples } from '../help.js';

interface SandboxOptions {
  scenario?: string;
  port: string;
  runbooks: string;
  logDir: string;
}

export function register(program: Command, env: Env): void {
  program
    .command('sandbox')
    .description(
      'run the offline world (Kubernetes, Prometheus, Slack, GitHub simulators) with the bot wired to it, and the sandbox console: a web page to fire alerts, act as users and watch the rollback',
    )
    .option(
      '--scenario <name|file>',
      'sandbox scenario: a built-in name (default, stuck-rollout) or a YAML file (default: default)',
    )
    .option('--port <n>', 'port of the sandbox console (0 = any free port)', '8080')
    .option('--runbooks <dir>', 'runbooks directory', 'runbooks')
    .option('--log-dir <dir>', 'where to write rollbot.log', '.rollbot/sandbox')
    .addHelpText(
      'after',
      examples([
        ['rollbot sandbox', 'the console on http://127.0.0.1:8080'],
        ['rollbot sandbox --port 0', 'any free port (printed)'],
      ]),
    )
    .action(async (opts: SandboxOptions, cmd: Command) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        process.stderr.write(`rollbot sandbox: --port ${opts.port} is not a TCP port (0-65535)\n`);
        process.exitCode = 2;
        return;
      }
      // A busy default port is not the operator's doing: the sandbox moves to a free one and says so.
      const portGiven = cmd.getOptionValueSource('port') !== 'default';
      await withSandbox((sandbox) => sandbox.runSandbox({ ...opts, port, portGiven, env }));
    });
}
