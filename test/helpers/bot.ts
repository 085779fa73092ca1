/**
 * The whole bot in a test: the sandbox world (Kubernetes, Prometheus, Slack, GitHub simulators)
 * and one or more real rollbot apps built by the real composition root, sharing one Redis under
 * a fresh prefix (or a memory store), listening on free ports. Slack's events URL points at the
 * first app; `sendTo(i, …)` reaches any of them. Always `await bot.close()`.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createApp, type RollbotApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config/index.js';
import type { Incident } from '../../src/incidents/incident.js';
import type { KubeGateway } from '../../src/kube/index.js';
import { createLogger, memoryDestination } from '../../src/log/logger.js';
import { startSandboxWorld, type SandboxWorld } from '../../src/cli/sandbox/world.js';
import type { ScenarioTiming } from '@rollbot/sandbox/scenario';
import { FAST_TIMING } from '../../packages/sandbox/test/kube/fixtures.js';
import { MemoryStore, RedisStore, type Store } from '../../src/store/index.js';
import { alertmanagerPayload } from '../../src/cli/sandbox/story/alert-payload.js';
import { dropPrefix } from './redis.js';

export const REPO_RUNBOOKS = new URL('../../runbooks/', import.meta.url).pathname;

export interface BotOptions {
  instances?: number;
  store?: 'redis' | 'memory';
  /** Scenario YAML text (default: the built-in scenario). */
  scenarioYaml?: string | undefined;
  stepMs?: number;
  /** Cluster delays (default: short but non-zero, FAST_TIMING). */
  timing?: Partial<ScenarioTiming>;
  runbooksDir?: string;
  /** Extra environment for loadConfig (e.g. LEASE_TTL). */
  env?: Record<string, string>;
  /** Per-instance config tweaks after the sandbox wiring. */
  configure?: (config: Config, index: number) => Config;
  slackRateLimit?: boolean;
  /**
   * Simulated Slack's ack deadline. Default 30 s, not Slack's 3 s: these tests check what the bot
   * does, and a busy machine must not fail them; ack latency is measured in `npm run bench` (3).
   */
  slackAckTimeoutMs?: number;
  /** The Kubernetes gateway the apps use (default: the simulator's). */
  kube?: (world: SandboxWorld) => KubeGateway | Promise<KubeGateway>;
}

export interface Bot {
  world: SandboxWorld;
  apps: RollbotApp[];
  urls: string[];
  app: RollbotApp;
  url: string;
  stores: Store[];
  redis?: Redis | undefined;
  prefix: string;
  /** Every JSON log line of every instance. */
  logs: string[];
  /** POST an Alertmanager body (default: payments-api firing) to instance `i`. */
  fireAlert(body?: unknown, i?: number): Promise<Response>;
  /** The single incident of a service (open or last closed), waiting up to `timeoutMs` for a predicate. */
  waitIncident(service: string, until: (i: Incident) => boolean, timeoutMs?: number): Promise<Incident>;
  close(): Promise<void>;
}

export async function startBot(opts: BotOptions = {}): Promise<Bot> {
  const lines = memoryDestination();
  const log = createLogger({ level: 'debug', destination: lines });
  let scenarioPath: string | undefined;
  if (opts.scenarioYaml) {
    const dir = await mkdtemp(join(tmpdir(), 'rollbot-scenario-'));
    scenarioPath = join(dir, 'scenario.yaml');
    await writeFile(scenarioPath, opts.scenarioYaml);
  }
  const world = await startSandboxWorld({
    scenarioPath,
    stepMs: opts.stepMs ?? 20,
    timing: opts.timing ?? FAST_TIMING,
    log,
    slackRateLimit: opts.slackRateLimit ?? false,
    slackAckTimeoutMs: opts.slackAckTimeoutMs ?? 30_000,
  });
  const prefix = `test:${randomUUID()}:`;
  const useRedis = (opts.store ?? 'redis') === 'redis';
  const redis = useRedis ? new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379') : undefined;
  const memory = useRedis ? undefined : new MemoryStore();
  const apps: RollbotApp[] = [];
  const urls: string[] = [];
  const stores: Store[] = [];
  for (let i = 0; i < (opts.instances ?? 1); i++) {
    let config = world.configure(
      loadConfig({
        ROLLBOT_MODE: 'sandbox',
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'debug',
        INSTANCE_ID: `bot-${i}`,
        RUNBOOKS_DIR: opts.runbooksDir ?? REPO_RUNBOOKS,
        LEASE_TTL: '2s',
        SHUTDOWN_GRACE: '2s',
        ...(useRedis
          ? { REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: prefix }
          : {}),
        ...opts.env,
      }),
    );
    if (opts.configure) config = opts.configure(config, i);
    // Each instance gets its own client, as separate replicas would.
    const store = useRedis
      ? new RedisStore(new Redis(config.store.redis.url!, { maxRetriesPerRequest: 2 }), prefix)
      : memory!;
    stores.push(store);
    const app = await createApp({
      config,
      store,
      kube: (await opts.kube?.(world)) ?? world.kube,
      github: world.github,
      log: log.child({ instance: i }),
      runbookEnv: world.runbookEnv,
    });
    const { url } = await app.start();
    apps.push(app);
    urls.push(url);
  }
  world.attach(urls[0]!);

  const bot: Bot = {
    world,
    apps,
    urls,
    app: apps[0]!,
    url: urls[0]!,
    stores,
    redis,
    prefix,
    logs: lines.lines,
    fireAlert: (body, i = 0) =>
      fetch(`${urls[i]}/webhooks/alertmanager`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${world.secrets.alertmanagerToken}`,
        },
        body: JSON.stringify(body ?? alertmanagerPayload({ service: 'payments-api', namespace: 'payments' })),
      }),
    async waitIncident(service, until, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      let last: Incident | null = null;
      while (Date.now() < deadline) {
        const open: Incident | null =
          (await apps[0]!.repo.openFor(service)) ?? (last ? await apps[0]!.repo.get(last.id) : null);
        if (open) {
          last = open;
          if (until(open)) return open;
        }
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(
        `incident for ${service} did not reach the expected state in ${timeoutMs} ms; last: ${last ? `${last.id} ${last.state}` : 'none'}`,
      );
    },
    async close() {
      for (const app of apps) await app.stop().catch(() => undefined);
      await world.close();
      if (redis) {
        await dropPrefix(redis, prefix);
        redis.disconnect();
      }
    },
  };
  return bot;
}
