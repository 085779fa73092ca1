import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('serve')
    .description(
      'run the bot: Slack endpoint, alert webhooks, /healthz, /readyz, /metrics (config from the environment)',
    )
    .action(async () => {
      const { serve } = await import('../serve.js');
      await serve(process.env);
    });
}
