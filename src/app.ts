/**
 * The composition root: rollbot wired from the parts it is given, and nothing else — each concept
 * brings its own factory (fastify/demo's `app.ts`, probot's `createProbot`). `rollbot serve`
 * builds the world from the config; the sandbox, the demo and the tests build it from the
 * simulators — all through this one function (STYLE.md: one composition root).
 */
import type { Logger } from 'pino';
import { AlertIntake } from './alerts/intake.js';
import { FallbackChannel } from './alerts/fallback.js';
import { type AuditLog, createAuditOutlets } from './audit/index.js';
import { retentionTask } from './audit/retention.js';
import { buildInfo, type Config } from './config/index.js';
import { Background } from './core/background.js';
import { type Clock, systemClock } from './core/clock.js';
import { startPeriodic } from './core/periodic.js';
import { Executor } from './executor/executor.js';
import { createGitHubClient, type GitHubClient } from './github/client.js';
import { createHealth } from './http/health.js';
import { createHttpServer } from './http/server.js';
import { slackEventsRoute } from './http/slack-events.js';
import { slackReplayGuard } from './http/slack-replays.js';
import { webhookRoutes } from './http/webhooks.js';
import type { Approvals } from './incidents/approve.js';
import type { Incident } from './incidents/incident.js';
import type { Proposals } from './incidents/proposals.js';
import { createIncidents, type Incidents } from './incidents/services.js';
import { IncidentRepository } from './incidents/repository.js';
import type { KubeGateway } from './kube/index.js';
import { createLogger } from './log/logger.js';
import { createMetrics, type Metrics } from './metrics/registry.js';
import { ClusterPlanner } from './planning/planner.js';
import { Cooldowns } from './policy/cooldown.js';
import { postmortemKey, postmortemPublisher } from './postmortem/publish.js';
import { RunbookRegistry } from './runbooks/registry.js';
import { createBolt } from './slack/bolt-app.js';
import { createEditRoute, createSlackGateway } from './slack/client.js';
import { RollbackCommands } from './slack/commands.js';
import { type SlackGateway, slackDirectory } from './slack/gateway.js';
import { interactionHandlers } from './slack/interactions.js';
import { createLiveProgress } from './slack/live-progress.js';
import { SlackNotifier } from './slack/notifier.js';
import { checkSlackPayload } from './slack/payload.js';
import { createStepRegistry } from './steps/registry.js';
import type { Store } from './store/index.js';

export interface World {
  config: Config;
  store: Store;
  kube: KubeGateway;
  /** Default: from config.slack (createSlackGateway). */
  slack?: SlackGateway | undefined;
  /** Message edits' own gateway (default: a second client from config.slack; `slack` when that is given). */
  slackEdits?: SlackGateway | undefined;
  /** Default: from config.github when a token is set (createGitHubClient). */
  github?: GitHubClient | undefined;
  clock?: Clock | undefined;
  log?: Logger | undefined;
  /** Runbooks; default: loaded from config.runbooks. */
  registry?: RunbookRegistry | undefined;
  fetch?: typeof fetch | undefined;
  /** Extra values runbooks may read as {{ env.NAME }} (the sandbox passes its service URLs). */
  runbookEnv?: Record<string, string> | undefined;
}

export interface RollbotApp {
  readonly config: Config;
  readonly metrics: Metrics;
  readonly repo: IncidentRepository;
  readonly audit: AuditLog;
  readonly intake: AlertIntake;
  readonly proposals: Proposals;
  readonly approvals: Approvals;
  /** The incident services (transitions, closures, expiry, …): tests and tools act through them. */
  readonly incidents: Incidents;
  readonly executor: Executor;
  readonly log: Logger;
  registry(): RunbookRegistry;
  /** The postmortem draft of a finished incident (Markdown), once written. */
  postmortem(incidentId: string): Promise<string | null>;
  /** Listens on config.http (port 0 = any free port). */
  start(): Promise<{ url: string; port: number }>;
  /** Graceful: stop taking work, let the current step finish or hand its lease back, close the store. */
  stop(): Promise<void>;
  /** Resolves when background work started by Slack interactions has settled (tests, demo). */
  idle(): Promise<void>;
}

export async function createApp(world: World): Promise<RollbotApp> {
  const { config, store, kube } = world;
  const clock = world.clock ?? systemClock;
  const log = world.log ?? createLogger({ level: config.logLevel });
  const metrics = createMetrics(buildInfo());
  const { prometheusUrl, alertmanagerUrl } = config;
  const { token, apiUrl } = config.github;
  const github = world.github ?? (token ? createGitHubClient({ token, baseUrl: apiUrl, log }) : undefined);
  const registry = world.registry ?? (await RunbookRegistry.load(config.runbooks, github));
  metrics.knownServices(registry.services());
  const slack = world.slack ?? createSlackGateway({ ...config.slack, clock, log });
  const background = new Background((err) => log.error({ err }, 'background work failed'));
  const track = (work: Promise<unknown>) => background.track(work);

  const repo = new IncidentRepository(store, clock);
  const auditChannel = config.slack.auditChannel;
  const audit = createAuditOutlets({
    store,
    clock,
    log,
    post: auditChannel
      ? async (text) => void (await slack.postMessage({ channel: auditChannel, text }))
      : undefined,
    threadLink: async (id) => (await repo.get(id))?.slack?.permalink,
  });
  const edits = createEditRoute({ ...config.slack, clock, log, world, track, read: (id) => repo.get(id) });
  const notifier = new SlackNotifier(slack, clock, log, config.slack.fallbackChannel, edits);
  const planner = new ClusterPlanner(kube, github);
  const cooldowns = new Cooldowns(store);
  const progress = createLiveProgress({ notifier, read: (id) => repo.get(id), track });
  const thread = (incident: Incident, text: string) => notifier.thread(incident, text);
  const postmortem = postmortemPublisher({ audit: audit.log, store, log, thread, github });
  const executor = new Executor({
    records: { repo, store, audit: audit.sink },
    steps: {
      registry: createStepRegistry(),
      clients: { kube, github, slack, fetch: world.fetch ?? fetch, prometheusUrl, alertmanagerUrl },
      vars: { ...config.runbookVars, ...world.runbookEnv },
    },
    replica: { instanceId: config.instanceId, leaseTtlMs: config.leaseTtlMs },
    runtime: { clock, log, metrics },
    hooks: {
      cooldowns,
      onProgress: async (incident) => progress.push(incident),
      onFinished: async (incident) => {
        await progress.final(incident);
        await postmortem(incident);
      },
    },
  });

  const incidents = createIncidents({
    ...{ repo, store, planner, notifier, audit: audit.sink, cooldowns, clock, metrics, log },
    directory: slackDirectory(slack),
    executor: { start: (id) => track(executor.run(id)) },
    registry: () => registry,
    history: (ns, name) => kube.history(ns, name),
    leaseHolder: async (service) => (await store.getLease(`service:${service}`))?.owner,
  });
  const { proposals, approvals, closures } = incidents;
  const fallback = new FallbackChannel({ store, notifier, audit: audit.sink, clock, log, later: track });
  const intake = new AlertIntake({
    ...{ repo, store, notifier, audit: audit.sink, proposals, planner, clock, log },
    ...{ suspects: incidents.suspects, fallback },
    registry: () => registry,
    refresh: (i) => progress.push(i),
  });
  const commands = new RollbackCommands({
    requests: incidents.requests,
    services: () => registry.services(),
    log,
  });
  const { signingSecret, botToken, appToken } = config.slack;
  const bolt = createBolt({
    ...{ botToken, signingSecret, appToken, apiUrl: config.slack.apiUrl, log, track },
    handlers: interactionHandlers({
      command: (cmd) => commands.handle(cmd),
      approve: (id, user, to) => approvals.approve(id, user, to),
      dismiss: (id, user, to) => closures.dismiss(id, user, to),
      cancel: (id, user, to) => closures.cancel(id, user, to),
      log,
    }),
  });

  const health = createHealth({
    registry: metrics.registry,
    build: buildInfo(),
    clock,
    checks: [
      { name: 'store', check: () => store.ping() },
      { name: 'slack', check: async () => void (await slack.authTest()), cacheMs: 30_000 },
      { name: 'kubernetes', check: () => kube.ping(), cacheMs: 15_000 },
    ],
  });
  const listener = bolt.requestListener;
  const replays = slackReplayGuard(store, log);
  const http = createHttpServer(
    [
      ...health.routes,
      ...webhookRoutes({ config, clock, log, metrics, ingest: (batch) => intake.ingest(batch) }),
      ...(listener
        ? [slackEventsRoute({ signingSecret, clock, log, listener, check: checkSlackPayload, replays })]
        : []),
    ],
    log,
  );

  let stopPeriodic = () => {};
  const app: RollbotApp = {
    ...{ config, metrics, repo, audit: audit.log, intake, proposals, approvals, incidents, executor, log },
    registry: () => registry,
    postmortem: (incidentId) => store.get(postmortemKey(incidentId)),
    async start() {
      const address = await http.listen(config.http.port, config.http.host);
      await bolt.start();
      const sweepMs = Math.max(500, Math.floor(config.leaseTtlMs / 3));
      executor.start({ intervalMs: sweepMs });
      const olderThanMs = config.auditRetentionMs;
      stopPeriodic = startPeriodic(
        [
          // Proposals Slack refused (outage, rate limit past retries) are posted once it answers again.
          { name: 'proposal re-post sweep', everyMs: sweepMs, run: () => proposals.sweepUnposted() },
          // Proposals past their TTL expire (message updated, service freed); stale locks resolve.
          { name: 'expiry sweep', everyMs: sweepMs, run: () => incidents.expiry.sweep(clock.now()) },
          ...(olderThanMs
            ? [retentionTask({ audit: audit.log, store, olderThanMs, log, owner: config.instanceId })]
            : []),
        ],
        log,
      );
      const { mode, instanceId: instance } = config;
      log.info({ url: address.url, mode, instance, services: registry.services() }, 'rollbot is listening');
      return address;
    },
    async stop() {
      health.shuttingDown();
      stopPeriodic();
      await http.close(config.shutdownGraceMs);
      await bolt.stop();
      await executor.stop({ graceMs: config.shutdownGraceMs });
      await edits.lane.close(config.shutdownGraceMs).finally(() => progress.stop());
      await background.idle();
      await audit.stop();
      await store.close();
      log.info('rollbot stopped');
    },
    idle: () => background.idle(),
  };
  return app;
}
