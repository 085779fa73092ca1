/**
 * The composition root: everything rollbot is, wired from the parts it is given. `rollbot serve`
 * builds the world from the environment; the sandbox, the demo and the tests build it from the
 * simulators — all through this one function (STYLE.md: one composition root).
 */
import { Octokit } from '@octokit/rest';
import { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { AlertIntake } from './alerts/intake.js';
import { AuditChannelPoster, AuditLog, isSignificant } from './audit/index.js';
import type { Config } from './config/index.js';
import { type Clock, systemClock } from './core/clock.js';
import { RollbotError, asRollbotError } from './core/errors.js';
import { Executor } from './executor/index.js';
import { webhookRoutes } from './http/webhooks.js';
import { healthRoutes } from './http/health.js';
import { readiness } from './http/readiness.js';
import { createHttpServer, type Route } from './http/server.js';
import { slackEventsRoute } from './http/slack-events.js';
import { Approvals } from './incidents/approvals.js';
import type { Incident } from './incidents/incident.js';
import type { AuditSink } from './incidents/ports.js';
import { Proposals } from './incidents/proposals.js';
import { IncidentRepository } from './incidents/repository.js';
import { KubeGateway } from './kube/index.js';
import { createLogger } from './log/logger.js';
import { createMetrics, type Metrics } from './metrics/registry.js';
import { ClusterPlanner } from './planning/planner.js';
import { Cooldowns } from './policy/cooldown.js';
import { RunbookRegistry } from './runbooks/registry.js';
import { createBolt, type Respond } from './slack/bolt-app.js';
import { errorViewFrom } from './slack/views/index.js';
import { RollbackCommands } from './slack/commands.js';
import { checkSlackPayload } from './slack/payload.js';
import { type SlackGateway, WebClientGateway } from './slack/gateway.js';
import { SlackNotifier } from './slack/notifier.js';
import { createStepRegistry } from './steps/registry.js';
import type { Store } from './store/index.js';
import { every } from './core/periodic.js';
import { Throttle } from './core/throttle.js';
import { trimOnce } from './audit/retention.js';
import { publishPostmortem } from './postmortem/publish.js';

/** Runbooks may read only RUNBOOK_VAR_* from the environment: secrets never reach a runbook's text. */
function runbookVars(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (e): e is [string, string] => e[0].startsWith('RUNBOOK_VAR_') && e[1] !== undefined,
    ),
  );
}

/** The thread gets the draft's head in a code block; the full text is in the store and the issue. */
function postmortemThreadText(markdown: string, incidentId: string): string {
  const head = markdown.length > 2500 ? `${markdown.slice(0, 2500)}\n…` : markdown;
  return `:memo: *Postmortem draft* (full text: \`rollbot postmortem ${incidentId}\`)\n\`\`\`\n${head.replaceAll('```', "'''")}\n\`\`\``;
}

export interface World {
  config: Config;
  store: Store;
  /** Slack adapter; default: WebClient with the configured token and API URL. */
  slack?: SlackGateway | undefined;
  kube: KubeGateway;
  github?: Octokit | undefined;
  clock?: Clock | undefined;
  log?: Logger | undefined;
  /** Runbooks; default: loaded from config.runbooks.dir. */
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

async function loadRegistry(config: Config, github: Octokit | undefined): Promise<RunbookRegistry> {
  const gh = config.runbooks.github;
  if (!gh) return RunbookRegistry.fromDir(config.runbooks.dir);
  if (!github)
    throw new RollbotError('config_invalid', 'RUNBOOKS_GITHUB_REPO is set but GITHUB_TOKEN is not', {
      hint: 'set GITHUB_TOKEN',
    });
  return RunbookRegistry.fromGitHub(github, { repo: gh.repo, ref: gh.ref, path: gh.path });
}

export async function createApp(world: World): Promise<RollbotApp> {
  const { config, store, kube } = world;
  const clock = world.clock ?? systemClock;
  const log = world.log ?? createLogger({ level: config.logLevel });
  const metrics = createMetrics();
  const github =
    world.github ??
    (config.github.token
      ? new Octokit({ auth: config.github.token, baseUrl: config.github.apiUrl })
      : undefined);
  const registry = world.registry ?? (await loadRegistry(config, github));
  const slack =
    world.slack ??
    new WebClientGateway(
      new WebClient(config.slack.botToken, {
        ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
        retryConfig: { retries: 2 },
      }),
      () => clock.now(),
    );

  const repo = new IncidentRepository(store, clock);
  const auditLog = new AuditLog(store, { clock, log });
  const poster = config.slack.auditChannel
    ? new AuditChannelPoster({
        post: async (text) => void (await slack.postMessage({ channel: config.slack.auditChannel!, text })),
        clock,
        log,
      })
    : undefined;
  // Every audit record also feeds the audit channel; the record itself is written first.
  const audit: AuditSink = {
    append: async (event) => {
      const record = await auditLog.append(event as Parameters<AuditLog['append']>[0]);
      if (poster && isSignificant(record.action)) {
        const incident = event.incidentId ? await repo.get(event.incidentId).catch(() => null) : null;
        poster.offer(record, incident?.slack?.permalink ? { threadLink: incident.slack.permalink } : {});
      }
      return record;
    },
  };
  const notifier = new SlackNotifier(slack, clock, log, config.slack.fallbackChannel);
  const planner = new ClusterPlanner(kube, github);
  const cooldowns = new Cooldowns(store);
  const background = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    const p = work
      .catch((err) => log.error({ err }, 'background work failed'))
      .finally(() => background.delete(p));
    background.add(p);
  };
  // Live progress edits one message; Slack allows ~50 edits/min, so coalesce bursts per incident.
  const refreshes = new Throttle<Incident>(
    1000,
    (i) => i.id,
    (i) => track(repo.get(i.id).then((cur) => cur && notifier.refresh(cur))),
  );

  const executor = new Executor({
    repo,
    store,
    audit,
    steps: createStepRegistry(),
    kube,
    github,
    slack,
    fetch: world.fetch ?? fetch,
    prometheusUrl: config.prometheusUrl,
    env: { ...runbookVars(process.env), ...world.runbookEnv },
    clock,
    log,
    metrics,
    instanceId: config.instanceId,
    leaseTtlMs: config.leaseTtlMs,
    cooldowns,
    onProgress: async (incident: Incident) => refreshes.push(incident),
    onFinished: async (incident: Incident) => {
      refreshes.flush(incident.id);
      await notifier.refresh(incident);
      const { issueUrl } = await publishPostmortem(incident, {
        audit: auditLog,
        store,
        log,
        outlets: {
          thread: (i, markdown) => notifier.thread(i, postmortemThreadText(markdown, i.id)),
          githubIssue: github
            ? async (repo, title, body, labels) => {
                const [owner, name] = repo.split('/') as [string, string];
                return (await github.issues.create({ owner, repo: name, title, body, labels })).data.html_url;
              }
            : undefined,
        },
      });
      if (issueUrl)
        await notifier.thread(incident, `:memo: Postmortem issue opened: <${issueUrl}|${issueUrl}>`);
    },
  });

  const proposals = new Proposals({ repo, planner, notifier, audit, cooldowns, clock, metrics, log, store });
  const approvals = new Approvals({
    repo,
    proposals,
    notifier,
    audit,
    cooldowns,
    clock,
    metrics,
    log,
    directory: {
      groupMembers: (g) => slack.usergroupMembers(g).catch(() => undefined),
      displayName: (u) => slack.userName(u),
    },
    executor: {
      start: (id) => track(executor.run(id)),
      cancel: async (id, by) => void (await executor.cancel(id, by)),
    },
    staleness: (incident) => planner.staleness(incident.plan),
  });
  const intake = new AlertIntake({
    store,
    repo,
    proposals,
    registry: () => registry,
    notifier,
    audit,
    clock,
    log,
    refresh: (i) => refreshes.push(i),
  });
  const commands = new RollbackCommands({
    registry: () => registry,
    proposals,
    approvals,
    repo,
    history: async (ns, name) => {
      const entries = await kube.history(ns, name);
      // The Deployment's revision is its newest ReplicaSet's (the controller keeps them equal).
      const current = Math.max(0, ...entries.map((e) => e.revision));
      return entries.map((e) => ({
        revision: e.revision,
        changeCause: e.changeCause,
        images: e.images,
        createdAt: e.createdAt,
        current: e.revision === current,
      }));
    },
    leaseHolder: async (service) => (await store.getLease(`service:${service}`))?.owner,
    clock,
    log,
  });

  const replyFailure = (what: string, incidentId: string, respond: Respond) => async (err: unknown) => {
    const e = asRollbotError(err);
    log.warn({ err: e, incidentId: incidentId.slice(0, 100) }, `${what} click failed`);
    await respond(errorViewFrom(e, `${what} failed`));
  };
  const bolt = createBolt({
    botToken: config.slack.botToken,
    signingSecret: config.slack.signingSecret,
    appToken: config.slack.appToken,
    apiUrl: config.slack.apiUrl,
    log,
    track,
    handlers: {
      command: (cmd) => commands.handle(cmd),
      // A click on a button whose incident is gone (or a forged value) still gets an answer.
      approve: async (id, user, channel, respond) =>
        void (await approvals
          .approve(id, user, { channel, user: user.id, respond })
          .catch(replyFailure('Approve', id, respond))),
      dismiss: async (id, user, channel, respond) =>
        void (await approvals
          .dismiss(id, user, { channel, user: user.id, respond })
          .catch(replyFailure('Dismiss', id, respond))),
    },
  });

  let shuttingDown = false;
  const stoppers: (() => void)[] = [];
  const routes: Route[] = [
    ...healthRoutes({
      registry: metrics.registry,
      checks: readiness({
        clock,
        probes: [
          { name: 'store', cacheMs: 0, run: () => store.ping() },
          { name: 'slack', cacheMs: 30_000, run: async () => void (await slack.authTest()) },
          { name: 'kubernetes', cacheMs: 15_000, run: () => kube.ping() },
        ],
        local: () => [
          { name: 'config', ok: true },
          shuttingDown
            ? { name: 'shutdown', ok: false, reason: 'shutting down' }
            : { name: 'shutdown', ok: true },
        ],
      }),
    }),
    ...webhookRoutes({
      config,
      clock,
      log,
      metrics,
      ingest: (batch) => intake.ingest(batch),
    }),
    ...(bolt.requestListener
      ? [
          slackEventsRoute({
            signingSecret: config.slack.signingSecret,
            clock,
            log,
            listener: bolt.requestListener,
            check: checkSlackPayload,
          }),
        ]
      : []),
  ];
  const http = createHttpServer(routes, log);

  const app: RollbotApp = {
    config,
    metrics,
    repo,
    audit: auditLog,
    intake,
    proposals,
    approvals,
    executor,
    log,
    registry: () => registry,
    postmortem: (incidentId) => store.get(`postmortem:${incidentId}`),
    async start() {
      const address = await http.listen(config.http.port, config.http.host);
      await bolt.start();
      const sweepMs = Math.max(500, Math.floor(config.leaseTtlMs / 3));
      executor.start({ intervalMs: sweepMs });
      // Proposals Slack refused (outage, rate limit past retries) are posted once it answers again.
      stoppers.push(
        every(
          sweepMs,
          () => (shuttingDown ? Promise.resolve() : proposals.sweepUnposted()),
          (err) => log.warn({ err }, 'proposal re-post sweep failed'),
        ),
      );
      const retention = config.auditRetentionMs;
      if (retention) {
        const trim = () =>
          trimOnce({ audit: auditLog, store, olderThanMs: retention, owner: config.instanceId, log });
        stoppers.push(every(3_600_000, trim, (err) => log.warn({ err }, 'audit retention trim failed')));
      }
      log.info(
        { url: address.url, mode: config.mode, instance: config.instanceId, services: registry.services() },
        'rollbot is listening',
      );
      return address;
    },
    async stop() {
      shuttingDown = true;
      for (const stop of stoppers.splice(0)) stop();
      await http.close(config.shutdownGraceMs);
      await bolt.stop();
      await executor.stop({ graceMs: config.shutdownGraceMs });
      await app.idle();
      refreshes.stop();
      await poster?.stop();
      await store.close();
      log.info('rollbot stopped');
    },
    async idle() {
      while (background.size) await Promise.allSettled([...background]);
    },
  };
  return app;
}
