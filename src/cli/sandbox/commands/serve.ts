import { serve } from '../../serve.js';
import { startSandboxWorld } from '../world.js';

/** `ROLLBOT_MODE=sandbox rollbot serve`: the bot on the simulated world, without the console. */
export async function serveSandbox(env: NodeJS.ProcessEnv): Promise<void> {
  await serve(env, async (config, log) => {
    const world = await startSandboxWorld({ log, withConsole: false });
    return {
      config: world.configure(config),
      kube: world.kube,
      github: world.github,
      runbookEnv: world.runbookEnv,
      attach: (botUrl) => {
        world.attach(botUrl);
        log.info(
          { kubeconfig: world.kubeconfigPath, slack: world.slackSim.url, prometheus: world.prometheus.url },
          'sandbox world ready',
        );
      },
      close: world.close,
    };
  });
}
