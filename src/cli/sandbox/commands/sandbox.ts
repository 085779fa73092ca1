import { resolve } from 'node:path';
import { logLevelFrom } from '../../../config/index.js';
import { asRollbotError } from '../../../core/errors.js';
import { createLogger } from '../../../log/logger.js';
import { describeRedisTarget } from '../../../store/index.js';
import { openLogFile } from '../../log-file.js';
import { startSandbox } from '../console.js';
import { webhookLines } from '../endpoints.js';

export interface SandboxCommandOptions {
  scenario?: string | undefined;
  /** The console's port, already checked by the command line. */
  port: number;
  runbooks: string;
  logDir: string;
  /** The environment `rollbot` was started with (REDIS_URL, LOG_LEVEL, RUNBOOK_VAR_*). */
  env: NodeJS.ProcessEnv;
}

/** `rollbot sandbox`: the world, the bot and the console until Ctrl-C; prints every endpoint. */
export async function runSandbox(opts: SandboxCommandOptions): Promise<void> {
  const logDir = resolve(opts.logDir);
  const logFile = await openLogFile(logDir);
  const log = createLogger({ level: logLevelFrom(opts.env, 'info'), destination: logFile.stream });
  let sandbox;
  try {
    sandbox = await startSandbox({
      log,
      scenarioPath: opts.scenario,
      runbooksDir: opts.runbooks,
      port: opts.port,
      kubeconfigDir: logDir,
      env: opts.env,
    });
  } catch (err) {
    const e = asRollbotError(err);
    process.stderr.write(
      `rollbot sandbox could not start: ${e.operatorMessage}\n${e.hint ? `  ${e.hint}\n` : ''}`,
    );
    await logFile.close();
    process.exitCode = 1;
    return;
  }
  const { urls, world } = sandbox;
  const store = opts.env.REDIS_URL ? describeRedisTarget({ url: opts.env.REDIS_URL }) : 'in memory';
  const rows: [string, string][] = [
    ['Sandbox console', urls.console],
    ['rollbot', `${urls.bot}  (Slack: /slack/events, alerts: /webhooks/alertmanager; store ${store})`],
    ['Slack simulator', `${urls.slack}  (inspect: /_sandbox/workspace)`],
    ['Kubernetes API', urls.kubernetes],
    ['Prometheus', urls.prometheus],
    ['GitHub', urls.github],
    ['Kubeconfig', world.kubeconfigPath],
    ['Log', logFile.path],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  process.stdout.write(
    [
      `rollbot sandbox: scenario "${world.scenario.name}" — ${world.scenario.description ?? ''}`.trimEnd(),
      '',
      ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`),
      '',
      'Point a real Alertmanager, Grafana or curl at:',
      ...webhookLines(world, urls.bot, sandbox.app.config.prometheusUrl).map((l) => `  ${l}`),
      '',
      `Open ${urls.console} in a browser: fire an alert, act as a user, approve.`,
      `Try:  kubectl --kubeconfig ${world.kubeconfigPath} get deploy -A`,
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
  await untilSignal();
  process.stdout.write('rollbot sandbox: stopping…\n');
  await sandbox.close();
  await logFile.close();
  process.exitCode = 0;
}

function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
