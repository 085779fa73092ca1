import { hostname } from 'node:os';
import { RollbotError } from '../core/errors.js';
import { type RedisConnection, isRedisConfigured, redisConnectionOf } from './redis.js';
import { type Env, envSchema, fixHints } from './schema.js';

export interface Config {
  mode: 'production' | 'sandbox';
  instanceId: string;
  http: { host: string; port: number; publicUrl?: string | undefined };
  logLevel: Env['LOG_LEVEL'];
  slack: {
    signingSecret: string;
    botToken: string;
    appToken?: string | undefined;
    apiUrl?: string | undefined;
    auditChannel?: string | undefined;
    fallbackChannel?: string | undefined;
  };
  store: {
    kind: 'redis' | 'memory';
    keyPrefix: string;
    redis: RedisConnection;
  };
  kube: { kubeconfigPath?: string | undefined; context?: string | undefined };
  github: { token?: string | undefined; apiUrl: string };
  prometheusUrl?: string | undefined;
  runbooks: { dir: string; github?: { repo: string; ref: string; path: string } | undefined };
  webhooks: {
    maxBodyBytes: number;
    alertmanagerToken?: string | undefined;
    grafanaToken?: string | undefined;
    grafanaHmacSecret?: string | undefined;
    /** grafana/alerting hmacConfig.header and .timestampHeader. */
    grafanaHmacHeader: string;
    grafanaHmacTimestampHeader?: string | undefined;
    genericSecret?: string | undefined;
  };
  leaseTtlMs: number;
  shutdownGraceMs: number;
  auditRetentionMs?: number | undefined;
}

/** Placeholder credentials for sandbox mode, where the Slack simulator is the only peer. */
export const SANDBOX_SLACK = { signingSecret: 'sandbox-signing-secret', botToken: 'xoxb-sandbox-bot-token' };

/**
 * Parses the environment into a Config, or throws a RollbotError('config_invalid') whose message
 * names every bad variable, why, and how to fix it. Empty strings count as unset.
 */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0]) as keyof Env;
      problems.push(describe(name, issue.message));
    }
  }
  const e = parsed.success ? parsed.data : undefined;
  if (e && e.ROLLBOT_MODE === 'production') {
    if (!e.SLACK_SIGNING_SECRET) problems.push(describe('SLACK_SIGNING_SECRET', 'is missing'));
    if (!e.SLACK_BOT_TOKEN) problems.push(describe('SLACK_BOT_TOKEN', 'is missing'));
    if ((e.STORE ?? 'redis') === 'redis' && !isRedisConfigured(redisConnectionOf(e)))
      problems.push(describe('REDIS_URL', 'is missing (production keeps shared state in Redis)'));
  }
  if (problems.length || !e) {
    throw new RollbotError('config_invalid', `configuration is invalid:\n  - ${problems.join('\n  - ')}`, {
      hint: 'see .env.example for every variable and its meaning',
    });
  }
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
    runbooks: {
      dir: e.RUNBOOKS_DIR,
      github: e.RUNBOOKS_GITHUB_REPO
        ? { repo: e.RUNBOOKS_GITHUB_REPO, ref: e.RUNBOOKS_GITHUB_REF, path: e.RUNBOOKS_GITHUB_PATH }
        : undefined,
    },
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
}

function describe(name: keyof Env, message: string): string {
  const hint = fixHints[name];
  return `${name} ${message.startsWith('is ') ? message : `is invalid: ${message}`}${hint ? ` — ${hint}` : ''}`;
}
