import { serve } from '../../serve.js';
import { webhookLines } from '../endpoints.js';
import { startSandboxWorld } from '../world.js';

/** `ROLLBOT_MODE=sandbox rollbot serve`: the bot on the simulated world, without the console. */
export async function serveSandbox(env: NodeJS.ProcessEnv): Promise<void> {
  await serve(env, async (config, log) => {
    const world = await startSandboxWorld({ log, withConsole: false, env });
    const configured = world.configure(config);
    return {
      config: configured,
      kube: world.kube,
      github: world.github,
      runbookEnv: world.runbookEnv,
      attach: (botUrl) => {
        world.attach(botUrl);
        log.info(
          { kubeconfig: world.kubeconfigPath, slack: world.slackSim.url, prometheus: world.prometheus.url },
          'sandbox world ready',
        );
        // stdout carries the JSON log; the human-readable endpoints go to stderr.
        process.stderr.write(
          `rollbot (sandbox mode): point senders at\n${webhookLines(world, botUrl, configured.prometheusUrl)
            .map((l) => `  ${l}\n`)
            .join('')}`,
        );
      },
      close: world.close,
    };
  });
}
