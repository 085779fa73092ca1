/**
 * The bench world: the sandbox simulators in this process, the bot in a child process
 * (`rollbot serve`, production mode, real Redis under a fresh key prefix) pointed at them by
 * environment variables only. Adds two probes on this side: when the Kubernetes simulator
 * received a PATCH (high-resolution clock) and when the Slack simulator stored a message.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { startSandboxWorld, type SandboxWorld } from '../../src/cli/sandbox/world.js';
import { createLogger } from '../../src/log/logger.js';
import type { StoredMessage } from '@rollbot/sandbox/slack';
import { AUDIT_CHANNEL, type Fixture } from './fixture.js';
import { type Child, startBotProcess } from './proc.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface Bench {
  world: SandboxWorld;
  bot: Child;
  /** The bot's Redis key prefix (to read its incidents). */
  prefix: string;
  /** Requests the Kubernetes simulator and Web API calls the Slack simulator received so far. */
  counts(): { kube: number; slack: number };
  /** Resolves with performance.now() when the simulator receives a PATCH whose path ends with `suffix`. */
  nextPatch(suffix: string, timeoutMs?: number): Promise<number>;
  /** Resolves with [performance.now(), message] for the first stored message matching `pred`. */
  nextMessage(pred: (m: StoredMessage) => boolean, timeoutMs?: number): Promise<[number, StoredMessage]>;
  fireAlert(body: unknown): Promise<Response>;
  close(): Promise<void>;
}

export async function startBench(
  fixture: Fixture,
  opts: { slackRateLimit: boolean; env?: (world: SandboxWorld) => Record<string, string> },
): Promise<Bench> {
  const log = createLogger({ level: 'silent' });
  const world = await startSandboxWorld({
    scenarioPath: fixture.scenarioPath,
    stepMs: undefined,
    log,
    slackRateLimit: opts.slackRateLimit,
  });
  const prefix = `bench:${randomUUID()}:`;

  // Probe: the simulator logs each request (after reading its body) by pushing onto this array.
  const patchWaiters = new Map<string, (t: number) => void>();
  let kubeCount = 0;
  let slackCount = 0;
  world.slackSim.events.on('api.call', () => void slackCount++);
  const requests = world.kubeSim.requests;
  const push = requests.push.bind(requests);
  requests.push = (...entries) => {
    const t = performance.now();
    kubeCount += entries.length;
    for (const e of entries) {
      if (e.method !== 'PATCH') continue;
      for (const [suffix, resolve] of patchWaiters)
        if (e.path.endsWith(suffix)) (patchWaiters.delete(suffix), resolve(t));
    }
    // The log would grow by ~10 entries per request for the whole run; the bench does not read it.
    if (requests.length > 1000) requests.length = 0;
    return push(...entries);
  };

  const bot = await startBotProcess({
    ROLLBOT_MODE: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    INSTANCE_ID: 'bench',
    SLACK_SIGNING_SECRET: world.secrets.signingSecret,
    SLACK_BOT_TOKEN: world.secrets.botToken,
    SLACK_API_URL: world.slackSim.apiUrl,
    SLACK_AUDIT_CHANNEL: AUDIT_CHANNEL,
    SLACK_FALLBACK_CHANNEL: 'C0ALERTS',
    REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    KUBECONFIG: world.kubeconfigPath,
    GITHUB_TOKEN: world.secrets.githubToken,
    GITHUB_API_URL: world.githubDouble.url,
    PROMETHEUS_URL: world.prometheus.url,
    RUNBOOKS_DIR: fixture.runbooksDir,
    WEBHOOK_ALERTMANAGER_TOKEN: world.secrets.alertmanagerToken,
    ...opts.env?.(world),
  });
  world.attach(bot.url);

  return {
    world,
    bot,
    prefix,
    counts: () => ({ kube: kubeCount, slack: slackCount }),
    nextPatch: (suffix, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => (
            patchWaiters.delete(suffix),
            reject(new Error(`no PATCH …${suffix} within ${timeoutMs} ms`))
          ),
          timeoutMs,
        );
        patchWaiters.set(suffix, (t) => (clearTimeout(timer), resolve(t)));
      }),
    nextMessage: (pred, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const events = world.slackSim.events;
        const on = (m: StoredMessage) => {
          if (!pred(m)) return;
          clearTimeout(timer);
          events.off('message.posted', on);
          resolve([performance.now(), m]);
        };
        const timer = setTimeout(
          () => (
            events.off('message.posted', on),
            reject(new Error(`no matching Slack message within ${timeoutMs} ms`))
          ),
          timeoutMs,
        );
        events.on('message.posted', on);
      }),
    fireAlert: (body) =>
      fetch(`${bot.url}/webhooks/alertmanager`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${world.secrets.alertmanagerToken}`,
        },
        body: JSON.stringify(body),
      }),
    async close() {
      await bot.stop();
      await world.close();
      const redis = new Redis(REDIS_URL);
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        if (keys.length) await redis.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
      redis.disconnect();
    },
  };
}
