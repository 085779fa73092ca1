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
  /** Whether --port was given; a busy default port (8080) is replaced by a free one. */
  portGiven?: boolean | undefined;
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
  const start = (port: number) =>
    startSandbox({
      log,
      scenarioPath: opts.scenario,
      runbooksDir: opts.runbooks,
      port,
      kubeconfigDir: logDir,
      env: opts.env,
    });
  let sandbox;
  let moved = '';
  try {
    try {
      sandbox = await start(opts.port);
    } catch (err) {
      if (!addressInUse(err) || opts.portGiven || opts.port === 0) throw err;
      sandbox = await start(0);
      moved = `(port ${opts.port} is in use, so the console took a free port; --port picks one)`;
    }
  } catch (err) {
    const e = asRollbotError(err);
    const hint = addressInUse(err)
      ? `port ${opts.port} is in use: stop what listens there, or pick another: --port 8081, or --port 0 for any free port (npm run sandbox -- --port 0)`
      : e.hint;
    process.stderr.write(
      `rollbot sandbox could not start: ${e.operatorMessage}\n${hint ? `  ${hint}\n` : ''}`,
    );
    await logFile.close();
    process.exitCode = 1;
    return;
  }
  const { urls, world } = sandbox;
  const store = opts.env.REDIS_URL ? describeRedisTarget({ url: opts.env.REDIS_URL }) : 'in memory';
  const rows: [string, string][] = [
    ['Sandbox console', `${urls.console}${moved ? `  ${moved}` : ''}`],
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

/** EADDRINUSE, however deep it was wrapped (RollbotError causes). */
function addressInUse(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause)
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE' || /EADDRINUSE/.test(e.message)) return true;
  return false;
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
