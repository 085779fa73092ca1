/**
 * The test world: the sandbox simulators (Kubernetes, Prometheus + health URLs, Slack) started
 * in-process from the default scenario, the GitHub double, and rollbot's real parts wired to them over HTTP — a
 * Redis store under a unique prefix, the incident repository, the audit log, KubeGateway,
 * SlackGateway, Octokit. `connectWorld(endpoints)` builds the same clients from URLs only, for a
 * child process (crash tests) sharing the world. Always `await world.close()`.
 */
import { Octokit } from '@octokit/rest';
import { WebClient, LogLevel, type Logger as SlackLogger } from '@slack/web-api';
import { Redis } from 'ioredis';
import { AuditLog } from '../../src/audit/audit-log.js';
import { systemClock, type Clock } from '../../src/core/clock.js';
import type { Incident } from '../../src/incidents/incident.js';
import { IncidentRepository } from '../../src/incidents/repository.js';
import { KubeGateway } from '../../src/kube/index.js';
import { createLogger, memoryDestination, type Logger } from '../../src/log/logger.js';
import { createMetrics, type Metrics } from '../../src/metrics/registry.js';
import { ClusterPlanner } from '../../src/planning/planner.js';
import { loadRunbooks } from '../../src/runbooks/load.js';
import type { Runbook } from '../../src/runbooks/schema.js';
import { startGitHubDouble, type GitHubDouble } from '@rollbot/sandbox/github';
import { startKubeSimulator, type KubeSimulator } from '@rollbot/sandbox/kube';
import { startPrometheusSimulator, type PrometheusSimulator } from '@rollbot/sandbox/prometheus';
import { loadScenario } from '@rollbot/sandbox/scenario';
import type { Scenario } from '@rollbot/sandbox/scenario';
import { startSlackSimulator, type SlackSimulator } from '@rollbot/sandbox/slack';
import { WebClientGateway, type SlackGateway } from '../../src/slack/gateway.js';
import { RedisStore } from '../../src/store/index.js';
import { dropPrefix } from './redis.js';
import { FAST_TIMING } from '../../packages/sandbox/test/kube/fixtures.js';

export const SLACK_TOKEN = 'xoxb-test-world';
export const SLACK_SIGNING_SECRET = 'world-signing-secret';
export const GITHUB_TOKEN = 'ghp_testworld';
export const RUNBOOKS_DIR = new URL('../../runbooks/', import.meta.url).pathname;

/** Everything a second process needs to join the same world. */
export interface WorldEndpoints {
  redisUrl: string;
  prefix: string;
  kubeconfigYaml: string;
  slackApiUrl: string;
  slackToken: string;
  prometheusUrl: string;
  githubUrl?: string | undefined;
}

/** rollbot's parts, wired to a world's endpoints. */
export interface WorldClients {
  endpoints: WorldEndpoints;
  redis: Redis;
  store: RedisStore;
  repo: IncidentRepository;
  audit: AuditLog;
  kube: KubeGateway;
  slack: SlackGateway;
  github: Octokit;
  clock: Clock;
  log: Logger;
  /** Every log line written through `log` (JSON strings). */
  logLines: string[];
  metrics: Metrics;
  /** `{{ env.X }}` values for runbooks: SANDBOX_SERVICES_URL points at the health endpoints. */
  env: Record<string, string>;
  closeClients(): Promise<void>;
}

export interface World extends WorldClients {
  scenario: Scenario;
  kubeSim: KubeSimulator;
  prometheusSim: PrometheusSimulator;
  slackSim: SlackSimulator;
  githubSim: GitHubDouble;
  planner: ClusterPlanner;
  /** An approved incident for `service`, planned against the live cluster, stored in Redis. */
  approvedIncident(opts?: ApprovedIncidentOptions): Promise<Incident>;
  /** The payments-api runbook from runbooks/, parsed (tests shorten its holds). */
  runbook(name?: string): Promise<Runbook>;
  close(): Promise<void>;
}

export interface WorldOptions {
  /** Milliseconds per simulated pod start (default 20). */
  stepMs?: number;
  /** Override every Deployment's progressDeadlineSeconds. */
  progressDeadlineSeconds?: number;
  /** Change the scenario before the simulators start. */
  scenario?: (s: Scenario) => void;
}

export interface ApprovedIncidentOptions {
  runbook?: Runbook;
  service?: string;
  /** Planner request (default: previous revision). */
  toRevision?: number;
  id?: string;
}

function silentSlackLogger(): SlackLogger {
  const nop = () => undefined;
  return {
    debug: nop,
    info: nop,
    warn: nop,
    error: nop,
    setLevel: nop,
    getLevel: () => LogLevel.ERROR,
    setName: nop,
  };
}

export function connectWorld(endpoints: WorldEndpoints, opts: { logLevel?: string } = {}): WorldClients {
  const redis = new Redis(endpoints.redisUrl, { maxRetriesPerRequest: 2 });
  const store = new RedisStore(redis, endpoints.prefix);
  const clock = systemClock;
  const dest = memoryDestination();
  const log = createLogger({ level: opts.logLevel ?? 'debug', destination: dest });
  const slackClient = new WebClient(endpoints.slackToken, {
    slackApiUrl: endpoints.slackApiUrl,
    logger: silentSlackLogger(),
    retryConfig: { retries: 0 },
  });
  return {
    endpoints,
    redis,
    store,
    repo: new IncidentRepository(store, clock),
    audit: new AuditLog(store, { clock, log }),
    kube: KubeGateway.fromOptions({ kubeconfigYaml: endpoints.kubeconfigYaml }),
    slack: new WebClientGateway(slackClient),
    github: new Octokit({
      baseUrl: endpoints.githubUrl ?? 'http://127.0.0.1:9',
      auth: GITHUB_TOKEN,
      request: { retries: 0 },
    }),
    clock,
    log,
    logLines: dest.lines,
    metrics: createMetrics(),
    env: { SANDBOX_SERVICES_URL: endpoints.prometheusUrl },
    closeClients: async () => {
      redis.disconnect();
    },
  };
}

export async function startWorld(opts: WorldOptions = {}): Promise<World> {
  const scenario = await loadScenario();
  scenario.cluster.stepMs = opts.stepMs ?? 20;
  scenario.cluster.timing = { ...scenario.cluster.timing, ...FAST_TIMING };
  for (const d of scenario.cluster.deployments) {
    if (opts.progressDeadlineSeconds !== undefined) d.progressDeadlineSeconds = opts.progressDeadlineSeconds;
  }
  opts.scenario?.(scenario);
  const kubeSim = await startKubeSimulator({ scenario, stepMs: scenario.cluster.stepMs });
  const prometheusSim = await startPrometheusSimulator({ scenario, kube: kubeSim });
  const slackSim = await startSlackSimulator({
    scenario,
    botToken: SLACK_TOKEN,
    signingSecret: SLACK_SIGNING_SECRET,
    rateLimit: false,
  });
  const githubSim = await startGitHubDouble({ scenario, token: GITHUB_TOKEN });
  const endpoints: WorldEndpoints = {
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    prefix: `test:${crypto.randomUUID()}:`,
    kubeconfigYaml: kubeSim.kubeconfigYaml(),
    slackApiUrl: slackSim.apiUrl,
    slackToken: SLACK_TOKEN,
    prometheusUrl: prometheusSim.url,
    githubUrl: githubSim.url,
  };
  const clients = connectWorld(endpoints);
  const planner = new ClusterPlanner(clients.kube, clients.github);
  const runbook = async (name = 'payments-api'): Promise<Runbook> => {
    const { runbooks, errors } = await loadRunbooks(RUNBOOKS_DIR);
    const found = runbooks.find((r) => r.runbook.name === name);
    if (!found)
      throw new Error(
        `runbook ${name} not found in ${RUNBOOKS_DIR}: ${errors.map((e) => e.message).join('; ')}`,
      );
    return structuredClone(found.runbook);
  };

  return {
    ...clients,
    scenario,
    kubeSim,
    prometheusSim,
    slackSim,
    githubSim,
    planner,
    runbook,
    async approvedIncident(o = {}) {
      const rb = o.runbook ?? (await runbook());
      const service = o.service ?? rb.service;
      const target = {
        namespace:
          typeof rb.target.namespace === 'string' ? rb.target.namespace : rb.target.namespace.default!,
        deployment:
          typeof rb.target.deployment === 'string' ? rb.target.deployment : rb.target.deployment.default!,
      };
      const plan = await planner.plan(rb, target, { toRevision: o.toRevision ?? 0 });
      const now = clients.clock.now();
      const incident: Incident = {
        id: o.id ?? clients.repo.newId(),
        service,
        state: 'approved',
        origin: 'command',
        createdAt: now,
        updatedAt: now,
        requester: { id: 'U0ALICE', name: 'alice' },
        request: {},
        runbook: { name: rb.name, version: rb.version, sha256: 'test', source: {}, spec: rb },
        channel: rb.channel,
        plan,
        approvals: [{ id: 'U0BOB', name: 'bob', at: now }],
        approvedAt: now,
      };
      const created = await clients.repo.createIfNoneOpen(incident);
      if (!created.created)
        throw new Error(`service ${service} already has open incident ${created.incident.id}`);
      return incident;
    },
    async close() {
      await dropPrefix(clients.redis, endpoints.prefix).catch(() => undefined);
      await clients.closeClients();
      await Promise.allSettled([kubeSim.close(), prometheusSim.close(), slackSim.close(), githubSim.close()]);
    },
  };
}

/** Shortens a runbook's holds and intervals so a full run takes seconds, not minutes. */
export function fastRunbook(rb: Runbook, holdMs = 300, intervalMs = 100): Runbook {
  const copy = structuredClone(rb);
  for (const step of copy.verification) {
    if (!step.with) continue;
    step.with.holdFor = holdMs;
    step.with.interval = intervalMs;
    step.retry = { attempts: 1, backoff: 100 };
  }
  copy.approval.cooldown = 0;
  return copy;
}
