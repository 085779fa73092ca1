import { hostname } from 'node:os';
import { z } from 'zod';
import { RollbotError } from '../core/errors.js';
import { isRedisConfigured, redisConnectionOf } from './redis.js';
import { type Env, envSchema, fixHints } from './schema.js';

/** Placeholder credentials for sandbox mode, where the Slack simulator is the only peer. */
const SANDBOX_SLACK = { signingSecret: 'sandbox-signing-secret', botToken: 'xoxb-sandbox-bot-token' };

/** Runbooks may read only these from the environment (`{{ env.RUNBOOK_VAR_… }}`): never a secret. */
const RUNBOOK_VAR_PREFIX = 'RUNBOOK_VAR_';

/** Values runbooks may read as `{{ env.NAME }}`: RUNBOOK_VAR_* from the environment, plus what the caller sets explicitly. */
export type RunbookVars = Readonly<Record<string, string>>;

function runbookVarsOf(env: Record<string, unknown>): RunbookVars {
  return Object.fromEntries(
    Object.entries(env).filter(
      (e): e is [string, string] => e[0].startsWith(RUNBOOK_VAR_PREFIX) && typeof e[1] === 'string',
    ),
  );
}

/**
 * Production needs real Slack credentials and a Redis; sandbox mode needs neither. Loose, so the
 * RUNBOOK_VAR_* variables (no fixed names) reach the transform.
 */
const production = z.looseObject(envSchema.shape).superRefine((e, ctx) => {
  if (e.ROLLBOT_MODE !== 'production') return;
  const missing = (name: keyof Env, reason = 'is missing') =>
    ctx.addIssue({ code: 'custom', path: [name], message: reason });
  if (!e.SLACK_SIGNING_SECRET) missing('SLACK_SIGNING_SECRET');
  if (!e.SLACK_BOT_TOKEN) missing('SLACK_BOT_TOKEN');
  if ((e.STORE ?? 'redis') === 'redis' && !isRedisConfigured(redisConnectionOf(e)))
    missing('REDIS_URL', 'is missing (production keeps shared state in Redis)');
});

/** The environment, checked, as the one typed object every part of rollbot is handed. */
export const configSchema = production.transform((e) => {
  const sandbox = e.ROLLBOT_MODE === 'sandbox';
  const redis = redisConnectionOf(e);
  const hasRedis = isRedisConfigured(redis);
  return {
    mode: e.ROLLBOT_MODE,
    instanceId: e.INSTANCE_ID ?? `${hostname()}-${process.pid}`,
    http: { host: e.HOST, port: e.PORT, publicUrl: e.PUBLIC_URL },
    logLevel: e.LOG_LEVEL,
    slack: {
      signingSecret: e.SLACK_SIGNING_SECRET ?? SANDBOX_SLACK.signingSecret,
      botToken: e.SLACK_BOT_TOKEN ?? SANDBOX_SLACK.botToken,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL,
      auditChannel: e.SLACK_AUDIT_CHANNEL,
      fallbackChannel: e.SLACK_FALLBACK_CHANNEL,
    },
    store: {
      kind: e.STORE ?? (sandbox && !hasRedis ? 'memory' : 'redis'),
      keyPrefix: e.REDIS_KEY_PREFIX,
      redis,
    },
    kube: { kubeconfigPath: e.KUBECONFIG, context: e.KUBE_CONTEXT },
    github: { token: e.GITHUB_TOKEN, apiUrl: e.GITHUB_API_URL },
    prometheusUrl: e.PROMETHEUS_URL,
    alertmanagerUrl: e.ALERTMANAGER_URL,
    runbooks: {
      dir: e.RUNBOOKS_DIR,
      github: e.RUNBOOKS_GITHUB_REPO
        ? { repo: e.RUNBOOKS_GITHUB_REPO, ref: e.RUNBOOKS_GITHUB_REF, path: e.RUNBOOKS_GITHUB_PATH }
        : undefined,
    },
    runbookVars: runbookVarsOf(e) as RunbookVars,
    webhooks: {
      maxBodyBytes: e.WEBHOOK_MAX_BODY_BYTES,
      alertmanagerToken: e.WEBHOOK_ALERTMANAGER_TOKEN,
      grafanaToken: e.WEBHOOK_GRAFANA_TOKEN,
      grafanaHmacSecret: e.WEBHOOK_GRAFANA_HMAC_SECRET,
      grafanaHmacHeader: e.WEBHOOK_GRAFANA_HMAC_HEADER,
      grafanaHmacTimestampHeader: e.WEBHOOK_GRAFANA_HMAC_TIMESTAMP_HEADER,
      genericSecret: e.WEBHOOK_GENERIC_SECRET,
    },
    leaseTtlMs: e.LEASE_TTL,
    shutdownGraceMs: e.SHUTDOWN_GRACE,
    auditRetentionMs: e.AUDIT_RETENTION,
  };
});

export type Config = z.infer<typeof configSchema>;

/**
 * Parses the environment into a Config, or throws a RollbotError('config_invalid') whose message
 * names every bad variable, why, and how to fix it. Empty strings count as unset.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(cleaned);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) =>
    describe(String(issue.path[0]) as keyof Env, issue.message),
  );
  throw new RollbotError('config_invalid', `configuration is invalid:\n  - ${problems.join('\n  - ')}`, {
    hint: 'see .env.example for every variable and its meaning',
  });
}

/** The log level the environment asks for, or `fallback` (commands that log before a full config). */
export function logLevelFrom(
  env: Readonly<Record<string, string | undefined>>,
  fallback: Env['LOG_LEVEL'],
): Env['LOG_LEVEL'] {
  const parsed = envSchema.shape.LOG_LEVEL.safeParse(env.LOG_LEVEL || undefined);
  return env.LOG_LEVEL && parsed.success ? parsed.data : fallback;
}

function describe(name: keyof Env, message: string): string {
  const hint = fixHints[name];
  return `${name} ${message.startsWith('is ') ? message : `is invalid: ${message}`}${hint ? ` — ${hint}` : ''}`;
}
