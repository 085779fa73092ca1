import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { type GitHubDouble, startGitHubDouble } from '@rollbot/sandbox/github';
import { type GitOpsController, startGitOpsController } from '@rollbot/sandbox/gitops';
import { type KubeSimulator, startKubeSimulator } from '@rollbot/sandbox/kube';
import { type PrometheusSimulator, startPrometheusSimulator } from '@rollbot/sandbox/prometheus';
import { SandboxError } from '@rollbot/sandbox/errors';
import { type Scenario, type ScenarioTiming, loadScenario } from '@rollbot/sandbox/scenario';
import { type SlackSimulator, startSlackSimulator } from '@rollbot/sandbox/slack';
import type { Config } from '../../config/index.js';
import { RollbotError } from '../../core/errors.js';
import { createGitHubClient, type GitHubClient } from '../../github/client.js';
import { KubeGateway } from '../../kube/index.js';

/**
 * The offline world: a Kubernetes API server, Prometheus, a Slack workspace and GitHub, all
 * simulated on free local ports, with fresh random secrets. `rollbot serve` in sandbox mode,
 * `rollbot sandbox`, `rollbot demo`, `rollbot drill` and the end-to-end tests all start this.
 */
export interface SandboxWorld {
  scenario: Scenario;
  kubeSim: KubeSimulator;
  prometheus: PrometheusSimulator;
  slackSim: SlackSimulator;
  githubDouble: GitHubDouble;
  /** The GitOps controller, when the scenario has `gitops.apps` (Argo CD / Flux with self-heal). */
  gitops?: GitOpsController | undefined;
  kubeconfigPath: string;
  kube: KubeGateway;
  github: GitHubClient;
  secrets: SandboxSecrets;
  /** Which secrets were generated (and so must be shown to whoever points a sender at the sandbox). */
  generated: ReadonlySet<keyof SandboxSecrets>;
  /** Values runbooks may read as {{ env.NAME }} (e.g. the simulated services' health URLs). */
  runbookEnv: Record<string, string>;
  /** The config with every external endpoint pointed at the simulators. */
  configure(config: Config): Config;
  /** Tell the Slack simulator where the bot listens (after the app started). */
  attach(botUrl: string): void;
  close(): Promise<void>;
}

export interface SandboxOptions {
  scenarioPath?: string | undefined;
  stepMs?: number | undefined;
  /** Overrides the scenario's cluster timing (tests shorten the delays; the sandbox keeps them). */
  timing?: Partial<ScenarioTiming> | undefined;
  log: Logger;
  /** Where to write the kubeconfig (default: a new temp dir). */
  kubeconfigDir?: string | undefined;
  /** Slack rate limits on (default) or off (benchmarks). */
  slackRateLimit?: boolean | undefined;
  /** How long simulated Slack waits for an ack (Slack's 3 s by default; tests of behaviour, not speed, wait longer). */
  slackAckTimeoutMs?: number | undefined;
  withConsole?: boolean | undefined;
  /** Connect the bot in Socket Mode (an app-level token for the Slack simulator) instead of over HTTP. */
  socketMode?: boolean | undefined;
  /**
   * The environment: SLACK_SIGNING_SECRET and WEBHOOK_* set here are the sandbox's secrets (so a
   * real Alertmanager or curl configured with them is accepted); the rest are generated.
   */
  env?: Readonly<Record<string, string | undefined>> | undefined;
}

export interface SandboxSecrets {
  signingSecret: string;
  botToken: string;
  alertmanagerToken: string;
  genericSecret: string;
  grafanaToken: string;
  /** Only when WEBHOOK_GRAFANA_HMAC_SECRET is set: Grafana then signs instead of sending a token. */
  grafanaHmacSecret?: string | undefined;
  githubToken: string;
  /** Only with `socketMode`: the app-level token the bot connects with. */
  appToken?: string | undefined;
}

/** The environment variable each secret is read from (the ones an outside sender needs). */
export const SECRET_VARIABLES = {
  signingSecret: 'SLACK_SIGNING_SECRET',
  alertmanagerToken: 'WEBHOOK_ALERTMANAGER_TOKEN',
  grafanaToken: 'WEBHOOK_GRAFANA_TOKEN',
  grafanaHmacSecret: 'WEBHOOK_GRAFANA_HMAC_SECRET',
  genericSecret: 'WEBHOOK_GENERIC_SECRET',
} as const satisfies Partial<Record<keyof SandboxSecrets, string>>;

const secret = (prefix = '') => prefix + randomBytes(18).toString('hex');

export async function startSandboxWorld(opts: SandboxOptions): Promise<SandboxWorld> {
  const scenario = await loadScenario(opts.scenarioPath).catch((err: unknown) => {
    // The sandbox has its own error type; the operator sees it as any other bad input.
    if (err instanceof SandboxError)
      throw new RollbotError('bad_input', err.message, { hint: err.hint, cause: err });
    throw err;
  });
  const env = opts.env ?? {};
  const generated = new Set<keyof SandboxSecrets>();
  const fromEnv = (key: keyof typeof SECRET_VARIABLES, make: () => string): string => {
    const value = env[SECRET_VARIABLES[key]];
    if (value) return value;
    generated.add(key);
    return make();
  };
  const secrets: SandboxSecrets = {
    signingSecret: fromEnv('signingSecret', () => secret()),
    botToken: `xoxb-sandbox-${secret()}`,
    alertmanagerToken: fromEnv('alertmanagerToken', () => secret('am-')),
    genericSecret: fromEnv('genericSecret', () => secret('gen-')),
    grafanaToken: fromEnv('grafanaToken', () => secret('gf-')),
    grafanaHmacSecret: env[SECRET_VARIABLES.grafanaHmacSecret] || undefined,
    githubToken: `ghp_${secret()}`,
    appToken: opts.socketMode ? `xapp-1-A0ROLLBOT-${secret()}` : undefined,
  };
  const kubeSim = await startKubeSimulator({
    scenario,
    ...(opts.stepMs !== undefined ? { stepMs: opts.stepMs } : {}),
    ...(opts.timing !== undefined ? { timing: opts.timing } : {}),
  });
  const prometheus = await startPrometheusSimulator({ scenario, kube: kubeSim });
  const slackSim = await startSlackSimulator({
    scenario,
    signingSecret: secrets.signingSecret,
    botToken: secrets.botToken,
    appToken: secrets.appToken,
    ...(opts.slackRateLimit === false ? { rateLimit: false } : {}),
    ...(opts.slackAckTimeoutMs !== undefined ? { ackTimeoutMs: opts.slackAckTimeoutMs } : {}),
  });
  const githubDouble = await startGitHubDouble({ scenario, token: secrets.githubToken });
  const gitops = scenario.gitops.apps.length
    ? startGitOpsController({
        apps: scenario.gitops.apps,
        github: githubDouble,
        kube: kubeSim,
        pollMs: scenario.gitops.pollMs,
        selfHealDelayMs: scenario.gitops.selfHealDelayMs,
      })
    : undefined;
  const dir = opts.kubeconfigDir ?? (await mkdtemp(join(tmpdir(), 'rollbot-sandbox-')));
  await mkdir(dir, { recursive: true });
  const kubeconfigPath = join(dir, 'kubeconfig');
  await kubeSim.writeKubeconfig(kubeconfigPath);
  // The same client factories `rollbot serve` uses: retries, throttling and request logs included.
  const kube = KubeGateway.fromOptions({ kubeconfigYaml: kubeSim.kubeconfigYaml(), log: opts.log });
  const github = createGitHubClient({ baseUrl: githubDouble.url, token: secrets.githubToken, log: opts.log });
  const channel = (name: string) => scenario.slack.channels.find((c) => c.name === name)?.id;

  return {
    scenario,
    kubeSim,
    prometheus,
    slackSim,
    githubDouble,
    gitops,
    kubeconfigPath,
    kube,
    github,
    secrets,
    generated,
    runbookEnv: { SANDBOX_SERVICES_URL: prometheus.url },
    configure: (config) => ({
      ...config,
      slack: {
        ...config.slack,
        signingSecret: secrets.signingSecret,
        botToken: secrets.botToken,
        apiUrl: slackSim.apiUrl,
        appToken: secrets.appToken,
        auditChannel: config.slack.auditChannel ?? channel('rollbot-audit'),
        fallbackChannel: config.slack.fallbackChannel ?? channel('alerts-unrouted'),
      },
      github: { token: secrets.githubToken, apiUrl: githubDouble.url },
      // PROMETHEUS_URL, when set, is a real Prometheus to verify against; a step's own `url:`
      // still wins over both (steps/prometheus-check.ts).
      prometheusUrl: config.prometheusUrl ?? prometheus.url,
      kube: { kubeconfigPath, context: undefined },
      webhooks: {
        ...config.webhooks,
        alertmanagerToken: secrets.alertmanagerToken,
        grafanaToken: secrets.grafanaToken,
        grafanaHmacSecret: secrets.grafanaHmacSecret,
        genericSecret: secrets.genericSecret,
      },
    }),
    attach: (botUrl) => slackSim.setEventsUrl(`${botUrl}/slack/events`),
    close: async () => {
      gitops?.close();
      await Promise.allSettled([slackSim.close(), githubDouble.close(), prometheus.close()]);
      await kubeSim.close();
      opts.log.debug('sandbox closed');
    },
  };
}
