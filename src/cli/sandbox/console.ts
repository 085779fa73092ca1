import { type ConsoleServer, type ConsoleService, startConsoleServer } from '@rollbot/sandbox/console';
import type { Logger } from 'pino';
import { createApp, type RollbotApp } from '../../app.js';
import { loadConfig } from '../../config/index.js';
import { RunbookRegistry } from '../../runbooks/registry.js';
import { storeFor } from '../serve.js';
import { alertmanagerPayload } from './story/alert-payload.js';
import { type SandboxWorld, startSandboxWorld } from './world.js';

/**
 * `rollbot sandbox` in one call: the simulated world, the real bot wired to it (memory store
 * unless REDIS_URL is set) and the sandbox console in front of both. Tests call this in-process.
 */
export interface StartSandboxOptions {
  log: Logger;
  scenarioPath?: string | undefined;
  runbooksDir?: string | undefined;
  /** The console's port: 8080 by default, 0 for a free one. */
  port?: number | undefined;
  /** The console's address; loopback by default (it fires alerts without asking anyone). */
  host?: string | undefined;
  /** The bot's port (default: a free one). */
  botPort?: number | undefined;
  stepMs?: number | undefined;
  kubeconfigDir?: string | undefined;
  /** Environment for the bot's config (REDIS_URL, LOG_LEVEL, RUNBOOK_VAR_* …). */
  env: NodeJS.ProcessEnv;
}

export interface RunningSandbox {
  consoleUrl: string;
  botUrl: string;
  world: SandboxWorld;
  app: RollbotApp;
  /** Every endpoint, for printing. */
  urls: Record<'console' | 'bot' | 'slack' | 'kubernetes' | 'prometheus' | 'github', string>;
  close(): Promise<void>;
}

export async function startSandbox(opts: StartSandboxOptions): Promise<RunningSandbox> {
  const runbooksDir = opts.runbooksDir ?? 'runbooks';
  const registry = await RunbookRegistry.fromDir(runbooksDir);
  const world = await startSandboxWorld({
    log: opts.log,
    scenarioPath: opts.scenarioPath,
    stepMs: opts.stepMs,
    kubeconfigDir: opts.kubeconfigDir,
    env: opts.env,
  });
  const closers: (() => Promise<void>)[] = [() => world.close()];
  const closeAll = async () => {
    for (const close of closers.reverse())
      await close().catch((err) => opts.log.warn({ err }, 'sandbox close failed'));
    closers.length = 0;
  };
  try {
    const config = world.configure(
      loadConfig({
        ...opts.env,
        ROLLBOT_MODE: 'sandbox',
        HOST: '127.0.0.1',
        PORT: String(opts.botPort ?? 0),
        RUNBOOKS_DIR: runbooksDir,
      }),
    );
    const app = await createApp({
      config,
      store: storeFor(config),
      kube: world.kube,
      github: world.github,
      log: opts.log,
      registry,
      runbookEnv: world.runbookEnv,
    });
    const { url: botUrl } = await app.start();
    closers.push(() => app.stop());
    world.attach(botUrl);
    const consoleServer: ConsoleServer = await startConsoleServer({
      world,
      botUrl,
      services: servicesOf(registry),
      fireAlert: async (svc) => {
        // As Alertmanager would send it; the bearer token stays in this process.
        const sent = await fetch(`${botUrl}/webhooks/alertmanager`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${world.secrets.alertmanagerToken}`,
          },
          body: JSON.stringify(alertmanagerPayload({ service: svc.service, namespace: svc.namespace })),
        });
        return { status: sent.status, body: await sent.text() };
      },
      port: opts.port ?? 8080,
      host: opts.host ?? '127.0.0.1',
      log: opts.log,
    });
    closers.push(() => consoleServer.close());
    return {
      consoleUrl: consoleServer.url,
      botUrl,
      world,
      app,
      urls: {
        console: consoleServer.url,
        bot: botUrl,
        slack: world.slackSim.url,
        kubernetes: world.kubeSim.url,
        prometheus: world.prometheus.url,
        github: world.githubDouble.url,
      },
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/** Where each runbook's alerts come from: service, channel and the Deployment it rolls back. */
function servicesOf(registry: RunbookRegistry): ConsoleService[] {
  const pick = (ref: string | { default?: string | undefined }, fallback: string) =>
    typeof ref === 'string' ? ref : (ref.default ?? fallback);
  return registry.list().map(({ runbook }) => ({
    service: runbook.service,
    channel: runbook.channel,
    namespace: pick(runbook.target.namespace, 'default'),
    deployment: pick(runbook.target.deployment, runbook.service),
  }));
}
