/**
 * Shared pieces of the resilience tests: fast runbooks (short verification holds, so a whole
 * rollback takes about a second), a private redis-server the tests may pause, restrict or kill
 * (never the shared test Redis), and the questions every test asks of the Kubernetes request log.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { SandboxWorld } from '../../src/cli/sandbox/world.js';
import type { Bot } from '../helpers/bot.js';
import { freePort, until } from '../helpers/infra/daemon.js';
import { redisAdmin } from '../helpers/infra/redis.js';

export interface RunbookOptions {
  service: string;
  namespace: string;
  deployment?: string;
  channel: string;
  /** Health URL for the http.check (default: the sandbox's, through {{ env.SANDBOX_SERVICES_URL }}). */
  healthUrl?: string;
  /** `retry:` of the undo step (default: none, like the repo's runbooks). */
  undoRetry?: { attempts: number; backoff: string };
  /** `timeout:` of the undo step. */
  undoTimeout?: string;
  github?: string;
  approvers?: string[];
  /** Cooldown after a rollback (default 1s, so tests may roll back again). */
  cooldown?: string;
}

export function runbookYaml(o: RunbookOptions): string {
  const deployment = o.deployment ?? o.service;
  const health =
    o.healthUrl ?? `{{ env.SANDBOX_SERVICES_URL }}/services/${o.namespace}/${deployment}/healthz`;
  return `name: ${o.service}
version: "1"
service: ${o.service}
environment: production
match:
  - ['service="${o.service}"']
target: { namespace: ${o.namespace}, deployment: ${deployment} }
channel: ${o.channel}
${o.github ? `repository: { github: ${o.github}, refFromTag: "v{tag}" }\n` : ''}approval:
  approvers: { users: [${(o.approvers ?? ['U0BOB']).join(', ')}] }
  required: 1
  cooldown: ${o.cooldown ?? '1s'}
  cooldownAfterFailure: 1s
timeout: 2m
steps:
  - id: announce
    type: slack.notify
    with: { text: "Rolling back {{ service }} to revision {{ target.revision }} ({{ incident.id }})" }
  - id: undo
    type: k8s.rolloutUndo
${o.undoTimeout ? `    timeout: ${o.undoTimeout}\n` : ''}${o.undoRetry ? `    retry: { attempts: ${o.undoRetry.attempts}, backoff: ${o.undoRetry.backoff} }\n` : ''}  - id: wait
    type: k8s.waitRollout
    timeout: 30s
verification:
  - id: healthz
    type: http.check
    with: { url: "${health}", expectStatus: 200, holdFor: 200ms, interval: 100ms }
    retry: { attempts: 3, backoff: 200ms }
`;
}

export async function runbooksDir(books: RunbookOptions[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rollbot-resilience-runbooks-'));
  for (const b of books) await writeFile(join(dir, `${b.service}.yaml`), runbookYaml(b));
  return dir;
}

/** The payments-api runbook of the default scenario, fast; `undoRetry` as given. */
export const paymentsRunbook = (extra: Partial<RunbookOptions> = {}): RunbookOptions => ({
  service: 'payments-api',
  namespace: 'payments',
  channel: 'C0PAYMENTS',
  github: 'acme/payments-api',
  ...extra,
});

/** PATCHes of a Deployment that reached the simulator, and those it applied (2xx). */
export function undoPatches(world: SandboxWorld, deployment = 'payments-api') {
  const all = world.kubeSim.requests.filter(
    (r) => r.method === 'PATCH' && r.path.endsWith(`/deployments/${deployment}`),
  );
  return { all, applied: all.filter((r) => r.status !== undefined && r.status >= 200 && r.status < 300) };
}

export function imageOf(world: SandboxWorld, namespace: string, name: string): string {
  const d = world.kubeSim.getDeploymentRaw(namespace, name) as unknown as {
    spec: { template: { spec: { containers: { image: string }[] } } };
  };
  return d.spec.template.spec.containers[0]!.image;
}

export { freePort, until } from '../helpers/infra/daemon.js';

/**
 * A redis-server of our own on a free port, nothing kept on disk: the tests reconfigure it
 * (ACLs, min-replicas-to-write), stop it and start it again on the same port.
 */
export class PrivateRedis {
  private child: ChildProcess | undefined;
  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const r = new PrivateRedis(await freePort());
    await r.up();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    this.child = child;
    await until(
      'the private redis-server to answer',
      () => this.command((c) => c.ping()).then((p) => p === 'PONG'),
      5_000,
      50,
    );
  }

  /** SIGKILL: the server vanishes with everything it held (it keeps nothing on disk). */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  /** One short-lived admin connection. */
  command<T>(fn: (c: Redis) => Promise<T>): Promise<T> {
    return redisAdmin(this.port, fn);
  }
}

/** Alert → proposal posted → Approve by U0BOB → the incident's terminal state. */
export async function alertApproveFinish(bot: Bot, timeoutMs = 20_000) {
  const res = await bot.fireAlert();
  if (res.status !== 200) throw new Error(`alert webhook answered ${res.status}`);
  const proposed = await bot.waitIncident('payments-api', (i) => Boolean(i.slack?.ts));
  const click = await bot.world.slackSim
    .as('U0BOB')
    .clickButton({ channel: 'C0PAYMENTS', ts: proposed.slack!.ts, actionId: 'rollback_approve' });
  const done = await bot.waitIncident('payments-api', (i) => TERMINAL.has(i.state), timeoutMs);
  await bot.app.idle();
  return { proposed, click, done };
}

export const TERMINAL = new Set(['succeeded', 'failed', 'cancelled', 'dismissed', 'superseded', 'expired']);

/** Every text rollbot showed in a channel: messages (all edits) and thread replies. */
export function channelText(bot: Bot, channel: string): string {
  const sim = bot.world.slackSim;
  const out: string[] = [];
  for (const m of sim.messages(channel)) {
    out.push(JSON.stringify(m));
    for (const r of sim.replies(channel, m.ts)) out.push(JSON.stringify(r));
  }
  return out.join('\n');
}

/**
 * A TCP proxy in front of a Redis: `cut()` drops every connection and refuses new ones (a
 * network partition: Redis itself keeps its data), `restore()` lets clients back in.
 */
export class CuttableProxy {
  private readonly sockets = new Set<import('node:net').Socket>();
  private open = true;
  private constructor(
    private readonly server: import('node:net').Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number): Promise<CuttableProxy> {
    const net = await import('node:net');
    let proxy: CuttableProxy | undefined;
    const server = net.createServer((client) => {
      if (!proxy!.open) return void client.destroy();
      const upstream = net.connect(targetPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        proxy!.sockets.add(s);
        s.on('close', () => proxy!.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    proxy = new CuttableProxy(server, (server.address() as { port: number }).port);
    return proxy;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  cut(): void {
    this.open = false;
    for (const s of this.sockets) s.destroy();
  }

  restore(): void {
    this.open = true;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise((r) => this.server.close(r));
  }
}
