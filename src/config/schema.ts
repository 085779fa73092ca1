import { z } from 'zod';

/**
 * Every setting rollbot reads, from environment variables. One zod schema, one typed object.
 * `.env.example` documents each variable; test/config/config.test.ts keeps the two in step.
 */
const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
const port = z.coerce.number().int().min(0).max(65535);
const url = z.url();
/** An HTTP header name (RFC 9110 token). */
const httpHeader = z
  .string()
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'expected an HTTP header name like X-Grafana-Alerting-Signature');
const durationMs = z
  .string()
  .regex(/^\d+(ms|s|m|h|d)$/, 'expected a duration like 500ms, 30s, 5m, 2h or 1d')
  .transform((v) => {
    const [, n, unit] = /^(\d+)(ms|s|m|h|d)$/.exec(v)!;
    const mult = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit as 'ms'];
    return Number(n) * mult;
  });

/**
 * Slack tokens by their prefix (docs.slack.dev "Token types"): a user token (xoxp-) would act as
 * the person who installed the app, and a token in the wrong variable fails later with a vague
 * `invalid_auth`; say which token it is and where it belongs. Never echo the token itself.
 */
const TOKEN_KINDS: [prefix: string, what: string, variable?: string][] = [
  ['xoxb-', 'a bot token', 'SLACK_BOT_TOKEN'],
  ['xapp-', 'an app-level token', 'SLACK_APP_TOKEN'],
  ['xoxp-', 'a user token: rollbot would act as the person who installed the app'],
  ['xoxe.', 'a refresh token'],
  ['xoxe-', 'a configuration token'],
];

function slackToken(want: 'xoxb-' | 'xapp-') {
  const expected =
    want === 'xoxb-'
      ? 'expected the Bot User OAuth Token, starting with xoxb-'
      : 'expected an app-level token, starting with xapp-';
  return z.string().superRefine((value, ctx) => {
    if (value.startsWith(want)) return;
    const kind = TOKEN_KINDS.find(([prefix]) => value.startsWith(prefix));
    const what = kind ? ` this is ${kind[1]}${kind[2] ? ` (it belongs in ${kind[2]})` : ''};` : '';
    ctx.addIssue({ code: 'custom', message: `${what} ${expected}`.trim() });
  });
}

export const envSchema = z.object({
  ROLLBOT_MODE: z.enum(['production', 'sandbox']).default('production'),
  HOST: z.string().default('0.0.0.0'),
  PORT: port.default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  INSTANCE_ID: z.string().min(1).optional(),

  SLACK_SIGNING_SECRET: z.string().min(1).optional(),
  SLACK_BOT_TOKEN: slackToken('xoxb-').optional(),
  SLACK_APP_TOKEN: slackToken('xapp-').optional(),
  SLACK_API_URL: url.optional(),
  SLACK_AUDIT_CHANNEL: z
    .string()
    .regex(/^[CG][A-Z0-9]+$/, 'expected a channel id like C0123ABCD')
    .optional(),
  SLACK_FALLBACK_CHANNEL: z
    .string()
    .regex(/^[CG][A-Z0-9]+$/, 'expected a channel id like C0123ABCD')
    .optional(),

  STORE: z.enum(['redis', 'memory']).optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'expected redis://host:port or rediss://…')
    .optional(),
  REDIS_SENTINELS: list.optional(),
  REDIS_SENTINEL_NAME: z.string().optional(),
  REDIS_CLUSTER_NODES: list.optional(),
  REDIS_PASSWORD: z.string().optional(),
  REDIS_KEY_PREFIX: z.string().default('rollbot:'),

  KUBECONFIG: z.string().optional(),
  KUBE_CONTEXT: z.string().optional(),

  GITHUB_TOKEN: z.string().optional(),
  GITHUB_API_URL: url.default('https://api.github.com'),
  PROMETHEUS_URL: url.optional(),
  ALERTMANAGER_URL: url.optional(),

  RUNBOOKS_DIR: z.string().default('runbooks'),
  RUNBOOKS_GITHUB_REPO: z
    .string()
    .regex(/^[^/]+\/[^/]+$/, 'expected owner/repo')
    .optional(),
  RUNBOOKS_GITHUB_REF: z.string().default('main'),
  RUNBOOKS_GITHUB_PATH: z.string().default('runbooks'),

  WEBHOOK_ALERTMANAGER_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
  WEBHOOK_GRAFANA_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
  WEBHOOK_GRAFANA_HMAC_SECRET: z.string().min(16, 'use at least 16 characters').optional(),
  WEBHOOK_GRAFANA_HMAC_HEADER: httpHeader.default('X-Grafana-Alerting-Signature'),
  WEBHOOK_GRAFANA_HMAC_TIMESTAMP_HEADER: httpHeader.optional(),
  WEBHOOK_GENERIC_SECRET: z.string().min(16, 'use at least 16 characters').optional(),
  WEBHOOK_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1_048_576),

  LEASE_TTL: durationMs.default(30_000),
  SHUTDOWN_GRACE: durationMs.default(20_000),
  AUDIT_RETENTION: durationMs.optional(),
  PUBLIC_URL: url.optional(),
});

export type Env = z.infer<typeof envSchema>;

/** What to tell an operator when a variable is missing or wrong. */
export const fixHints: Partial<Record<keyof Env, string>> = {
  SLACK_SIGNING_SECRET: 'copy it from your Slack app: Basic Information → App Credentials → Signing Secret',
  SLACK_BOT_TOKEN: 'copy the Bot User OAuth Token (xoxb-…) from your Slack app: OAuth & Permissions',
  SLACK_APP_TOKEN:
    'create an app-level token with connections:write under Basic Information (Socket Mode only)',
  REDIS_URL:
    'point it at your Redis, e.g. redis://redis:6379/0, or set REDIS_SENTINELS / REDIS_CLUSTER_NODES',
  GITHUB_API_URL: 'for GitHub Enterprise use https://<host>/api/v3',
  PORT: 'choose a free TCP port, e.g. 3000',
};
