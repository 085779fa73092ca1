import type { Octokit } from '@octokit/rest';
import type { Logger } from 'pino';
import { createApp, type RollbotApp, type World } from '../app.js';
import { type Config, loadConfig } from '../config/index.js';
import { asRollbotError } from '../core/errors.js';
import { KubeGateway } from '../kube/index.js';
import { createLogger } from '../log/logger.js';
import {
  MemoryStore,
  RedisStore,
  type Store,
  createRedisClient,
  describeRedisTarget,
} from '../store/index.js';
import { withSandbox } from './load-sandbox.js';

/**
 * `rollbot serve`: read the environment, build the world, call the composition root, and shut
 * down gracefully on SIGTERM/SIGINT. In sandbox mode the world is the built-in simulators, which
 * live outside the product: `serve` hands over to the sandbox entry (loaded only then), which
 * calls back here with the simulated world.
 */
export function storeFor(config: Config, log?: Logger): Store {
  if (config.store.kind === 'memory') return new MemoryStore();
  const client = createRedisClient(config.store.redis);
  // ioredis reports every failed reconnect as an 'error' event; one log line per 30 s is enough
  // (readiness and each failing operation say the rest).
  let lastLogged = 0;
  client.on('error', (err: Error) => {
    if (Date.now() - lastLogged < 30_000) return;
    lastLogged = Date.now();
    log?.warn({ err, redis: describeRedisTarget(config.store.redis) }, 'Redis connection error; retrying');
  });
  return new RedisStore(client, config.store.keyPrefix);
}

/** createApp with the store its config names; the store is closed again if the app cannot be built. */
export async function createAppWithStore(world: Omit<World, 'store'>): Promise<RollbotApp> {
  const store = storeFor(world.config, world.log);
  try {
    return await createApp({ ...world, store });
  } catch (err) {
    await store.close();
    throw err;
  }
}

/** Where rollbot's peers are: the real ones from the config, or a simulated world. */
export interface ServeWorld {
  /** The config with every external endpoint pointed at this world. */
  config: Config;
  kube: KubeGateway;
  github?: Octokit | undefined;
  runbookEnv?: Record<string, string> | undefined;
  /** Called once the bot listens. */
  attach?(botUrl: string): void;
  close(): Promise<void>;
}

export type WorldProvider = (config: Config, log: Logger) => Promise<ServeWorld>;

const productionWorld: WorldProvider = async (config, log) => ({
  config,
  kube: KubeGateway.fromOptions({ ...config.kube, log }),
  close: async () => {},
});

export async function serve(env: NodeJS.ProcessEnv, worldProvider?: WorldProvider): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (err) {
    const e = asRollbotError(err);
    process.stderr.write(`rollbot: ${e.message}\n${e.hint ? `  ${e.hint}\n` : ''}`);
    process.exitCode = 1;
    return;
  }
  if (config.mode === 'sandbox' && !worldProvider) return withSandbox((sandbox) => sandbox.serveSandbox(env));
  const log = createLogger({ level: config.logLevel });
  // Listen for the signal before starting: a SIGTERM during start-up (a pod deleted while it
  // boots) must stop what started, not kill the process mid-way with Node's default handler.
  const signalled = untilSignal(log);
  let app: RollbotApp | undefined;
  let world: ServeWorld | undefined;
  try {
    world = await (worldProvider ?? productionWorld)(config, log);
    app = await createAppWithStore({
      config: world.config,
      kube: world.kube,
      github: world.github,
      log,
      runbookEnv: world.runbookEnv,
    });
    const { url } = await app.start();
    world.attach?.(url);
  } catch (err) {
    const e = asRollbotError(err);
    log.fatal({ err: e }, 'rollbot could not start');
    process.stderr.write(`rollbot could not start: ${e.operatorMessage}\n`);
    // Whatever did start must stop, or its sockets and timers keep the process alive.
    await app
      ?.stop()
      .catch((stopErr: unknown) => log.warn({ err: stopErr }, 'stopping after a failed start'));
    await world?.close();
    signalled.cancel();
    process.exitCode = 1;
    return;
  }
  await signalled.received;
  await app.stop();
  await world.close();
}

/** SIGTERM or SIGINT, once; `cancel` gives the signals back to Node's default handling. */
function untilSignal(log: Logger): { received: Promise<void>; cancel(): void } {
  let onSignal: (signal: NodeJS.Signals) => void = () => {};
  const cancel = () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };
  const received = new Promise<void>((resolve) => {
    onSignal = (signal) => {
      log.info({ signal }, 'shutting down: no new work; running steps finish or hand their lease back');
      cancel();
      resolve();
    };
  });
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return { received, cancel };
}
