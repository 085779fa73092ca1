/**
 * Three real `rollbot serve` processes sharing one Redis under a stream of alerts and approval
 * clicks sent to random processes, while processes are SIGKILLed mid-rollback: one proposal per
 * service, one execution per approval, and every approved rollback finishes exactly once (one
 * applied undo PATCH per Deployment) after the dead holder's lease (2 s) lapses.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { DEFAULT_SCENARIO_PATH } from '@rollbot/sandbox/scenario';
import { parse, stringify } from 'yaml';
import { startSandboxWorld, type SandboxWorld } from '../../src/cli/sandbox/world.js';
import { alertmanagerPayload } from '../../src/cli/sandbox/story/alert-payload.js';
import { systemClock } from '../../src/core/clock.js';
import type { Incident } from '../../src/incidents/incident.js';
import { IncidentRepository } from '../../src/incidents/repository.js';
import { createLogger, memoryDestination } from '../../src/log/logger.js';
import { RedisStore } from '../../src/store/index.js';
import { dropPrefix, testRedisStore } from '../helpers/redis.js';
import { buttonsOf, textOf } from '../helpers/slack-e2e.js';
import { freePort, runbooksDir, undoPatches, until } from './harness.js';

const BIN = fileURLToPath(new URL('../../bin/rollbot.js', import.meta.url));
const SERVICES = [
  { name: 'cart', channel: 'C0CART' },
  { name: 'search', channel: 'C0SEARCH' },
  { name: 'ledger', channel: 'C0LEDGER' },
];
const NS = 'shop';

interface Proc {
  id: string;
  url: string;
  child: ChildProcess;
  output: string[];
  dead: boolean;
}

let world: SandboxWorld;
let procs: Proc[] = [];
let redis: Redis;
let prefix: string;
let repo: IncidentRepository;
let store: RedisStore;
let env: Record<string, string>;
let spawned = 0;

async function scenarioYaml(): Promise<string> {
  const s = parse(await readFile(DEFAULT_SCENARIO_PATH, 'utf8'));
  s.cluster.namespaces.push(NS);
  for (const { name, channel } of SERVICES) {
    s.cluster.deployments.push({
      namespace: NS,
      name,
      replicas: 2,
      labels: { app: name },
      history: [
        { image: `registry.example.com/${name}:1.0.0` },
        { image: `registry.example.com/${name}:1.1.0` },
      ],
    });
    s.cluster.badImages.push(`registry.example.com/${name}:1.1.0`);
    s.slack.channels.push({ id: channel, name });
  }
  return stringify(s);
}

async function spawnProc(): Promise<Proc> {
  const port = await freePort();
  const id = `proc-${spawned++}`;
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      ...env,
      PORT: String(port),
      INSTANCE_ID: id,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc: Proc = { id, url: `http://127.0.0.1:${port}`, child, output: [], dead: false };
  child.stdout!.on('data', (d: Buffer) => proc.output.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => proc.output.push(d.toString()));
  child.on('exit', () => (proc.dead = true));
  procs.push(proc);
  await until(
    `${id} to be ready`,
    async () => !proc.dead && (await fetch(`${proc.url}/readyz`)).status === 200,
    30_000,
    100,
  ).catch((err) => {
    throw new Error(`${(err as Error).message}\n${proc.output.join('')}`);
  });
  return proc;
}

function kill(proc: Proc): Promise<void> {
  if (proc.dead) return Promise.resolve();
  const exited = new Promise<void>((r) => proc.child.once('exit', () => r()));
  proc.child.kill('SIGKILL');
  return exited;
}

const alive = () => procs.filter((p) => !p.dead);
const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** POST an alert to a random live process (a killed one may refuse the connection: try another). */
async function alert(service: string): Promise<number> {
  for (;;) {
    const p = pick(alive());
    try {
      const res = await fetch(`${p.url}/webhooks/alertmanager`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${world.secrets.alertmanagerToken}`,
        },
        body: JSON.stringify(alertmanagerPayload({ service, namespace: NS })),
      });
      return res.status;
    } catch {
      await sleep(20);
    }
  }
}

/** Click Approve as U0BOB on a random live process. */
function click(incident: Incident) {
  world.slackSim.setEventsUrl(`${pick(alive()).url}/slack/events`);
  // The simulator reads the events URL synchronously, so concurrent clicks go to different processes.
  return world.slackSim
    .as('U0BOB')
    .clickButton({ channel: incident.channel, ts: incident.slack!.ts, actionId: 'rollback_approve' });
}

beforeAll(async () => {
  const log = createLogger({ level: 'warn', destination: memoryDestination() });
  const { writeFile, mkdtemp } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const scenarioPath = join(await mkdtemp(join(tmpdir(), 'rollbot-replicas-')), 'scenario.yaml');
  await writeFile(scenarioPath, await scenarioYaml());
  world = await startSandboxWorld({ scenarioPath, stepMs: 150, log, slackRateLimit: false });
  ({ redis, prefix, store } = testRedisStore());
  repo = new IncidentRepository(store, systemClock);
  const dir = await runbooksDir(
    SERVICES.map(({ name, channel }) => ({
      service: name,
      namespace: NS,
      channel,
      cooldown: '10m', // alerts arriving after the rollback must not propose another one
      // A process reads only RUNBOOK_VAR_* from its environment: the health URL is written literally.
      healthUrl: `${world.prometheus.url}/services/${NS}/${name}/healthz`,
    })),
  );
  env = {
    ROLLBOT_MODE: 'production',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    SLACK_SIGNING_SECRET: world.secrets.signingSecret,
    SLACK_BOT_TOKEN: world.secrets.botToken,
    SLACK_API_URL: world.slackSim.apiUrl,
    KUBECONFIG: world.kubeconfigPath,
    PROMETHEUS_URL: world.prometheus.url,
    GITHUB_API_URL: world.githubDouble.url,
    GITHUB_TOKEN: world.secrets.githubToken,
    WEBHOOK_ALERTMANAGER_TOKEN: world.secrets.alertmanagerToken,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_KEY_PREFIX: prefix,
    RUNBOOKS_DIR: dir,
    LEASE_TTL: '2s',
    SHUTDOWN_GRACE: '1s',
  };
  await Promise.all([spawnProc(), spawnProc(), spawnProc()]);
}, 60_000);

afterAll(async () => {
  await Promise.all(procs.map(kill));
  await world?.close();
  if (redis) {
    await dropPrefix(redis, prefix);
    redis.disconnect();
  }
});

test('alerts and clicks on random processes, SIGKILLs mid-rollback: one proposal per service, each rollback exactly once', async () => {
  // A stream of alerts: five per service, all at once, to random processes.
  const statuses = await Promise.all(
    SERVICES.flatMap(({ name }) => Array.from({ length: 5 }, () => alert(name))),
  );
  expect(statuses.every((s) => s === 200)).toBe(true);
  const proposed = new Map<string, Incident>();
  for (const { name } of SERVICES)
    proposed.set(
      name,
      await until(`a posted proposal for ${name}`, async () => {
        const i = await repo.openFor(name);
        return i?.slack?.ts ? i : undefined;
      }),
    );
  for (const { channel } of SERVICES)
    expect(world.slackSim.messages(channel).filter((m) => m.botId && !m.threadTs)).toHaveLength(1);

  // Three approval clicks per proposal, to random processes, concurrently.
  const clicks = await Promise.all([...proposed.values()].flatMap((i) => [click(i), click(i), click(i)]));
  expect(clicks.every((c) => c.status === 200)).toBe(true);

  // Kill the process holding a running rollback mid-step, then another process at a random moment.
  const first = await until(
    'a rollback holding its lease mid-step',
    async () => {
      for (const { name } of SERVICES) {
        const lease = await store.getLease(`service:${name}`);
        const holder = lease && procs.find((p) => !p.dead && lease.owner.startsWith(`${p.id}:`));
        // Only a run with work left: killing a holder that is already finishing proves nothing.
        const running = await repo.openFor(name);
        const workLeft =
          running?.state === 'running' &&
          running.execution?.steps.some((st) => st.status !== 'succeeded' && st.phase === 'verification');
        if (holder && workLeft) return holder;
      }
      return undefined;
    },
    10_000,
    10,
  );
  await kill(first);
  const replacement = spawnProc(); // capacity comes back, as a restarted pod would
  await sleep(100 + Math.random() * 600);
  const second = alive().length > 1 ? pick(alive().filter((p) => p !== procs.at(-1))) : undefined;
  if (second) await kill(second);
  await replacement;
  // More alerts for the same services while they roll back: they join, never propose again.
  await Promise.all(SERVICES.map(({ name }) => alert(name)));

  const finished = await Promise.all(
    [...proposed.values()].map((i) =>
      until(
        `${i.service} to finish`,
        async () => {
          const cur = await repo.get(i.id);
          return cur && ['succeeded', 'failed', 'cancelled'].includes(cur.state) ? cur : undefined;
        },
        40_000,
        100,
      ),
    ),
  );
  for (const done of finished) {
    expect({ service: done.service, state: done.state, failure: done.execution?.failure }).toEqual({
      service: done.service,
      state: 'succeeded',
      failure: undefined,
    });
    expect(undoPatches(world, done.service).applied).toHaveLength(1);
    expect(done.approvals).toHaveLength(1);
    // The announcement is posted at most once (never twice, even when its runner died mid-post).
    const announcements = world.slackSim
      .replies(done.channel, done.slack!.ts)
      .filter((m) => m.text.startsWith(`Rolling back ${done.service}`));
    expect(announcements.length).toBeLessThanOrEqual(1);
    expect(
      (
        world.kubeSim.getDeploymentRaw(NS, done.service) as unknown as {
          spec: { template: { spec: { containers: { image: string }[] } } };
        }
      ).spec.template.spec.containers[0]!.image,
    ).toBe(`registry.example.com/${done.service}:1.0.0`);
  }
  // One rollback per service in all. A new alert after a rollback finished (inside its cooldown)
  // gets a proposal that says it is blocked, without Approve — never a second rollback.
  for (const { channel, name } of SERVICES) {
    const [first, ...later] = world.slackSim.messages(channel).filter((m) => m.botId && !m.threadTs);
    expect(first!.ts).toBe(proposed.get(name)!.slack!.ts);
    for (const m of later) {
      expect(buttonsOf(m)).toEqual(['rollback_dismiss']);
      expect(textOf(m)).toMatch(/Blocked by the cooldown after incident/);
    }
    const open = await repo.openFor(name);
    if (open) expect(open.blocked?.reason).toBe('cooldown');
  }
  // At least one run was resumed by another process after its holder died.
  expect(finished.some((i) => (i.execution?.resumedCount ?? 0) > 0)).toBe(true);
}, 80_000);
