/**
 * The steps a runbook may run, one params schema per step `type` (a discriminated union on
 * `type`, so `with` is validated against the right shape). Step implementations in `src/steps`
 * import the param types from here. Text fields keep `{{ placeholders }}` verbatim; durations
 * are milliseconds once parsed.
 */
import { z } from 'zod';
import { channelId, duration, githubRepo, statusCodes, templated, templatedUrl } from './fields.js';

export const rolloutUndoParams = z
  .strictObject({
    toRevision: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe(
        'Deployment revision to return to; 0 or absent = the previous revision (kubectl rollout undo)',
      ),
    toImageTag: z
      .string()
      .min(1)
      .optional()
      .describe('return to the newest revision still in history whose image has this tag, e.g. "1.4.2"'),
  })
  .refine((p) => !(p.toRevision !== undefined && p.toImageTag !== undefined), {
    message: 'give either toRevision or toImageTag, not both',
    params: { hint: 'remove one of them' },
  })
  .describe('which revision to roll back to');

export const waitRolloutParams = z
  .strictObject({})
  .describe('no parameters: waits like kubectl rollout status');

const httpMethod = z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);
const headers = z.record(z.string(), templated('header value')).describe('request headers');

export const httpRequestParams = z.strictObject({
  method: httpMethod.default('POST').describe('HTTP method (default POST)'),
  url: templatedUrl('URL to call'),
  headers: headers.default({}),
  body: z
    .union([templated('request body'), z.record(z.string(), z.unknown())])
    .optional()
    .describe('request body: text, or an object sent as JSON'),
  expectStatus: statusCodes('status code(s) that count as success; absent = any 2xx').optional(),
});

export const slackNotifyParams = z.strictObject({
  channel: channelId.optional().describe("channel to post in; default: the runbook's channel"),
  text: templated('message text (Slack mrkdwn)').pipe(z.string().min(1)),
});

const issueNumber = z
  .union([z.number().int().positive(), templated('issue number placeholder')])
  .describe('issue or pull request number, or a placeholder');

export const githubCommentParams = z.strictObject({
  repo: githubRepo,
  issue: issueNumber,
  body: templated('comment body (Markdown)').pipe(z.string().min(1)),
});

export const githubIssueParams = z.strictObject({
  repo: githubRepo,
  title: templated('issue title').pipe(z.string().min(1)),
  body: templated('issue body (Markdown)').default(''),
  labels: z.array(z.string().min(1)).default([]).describe('labels to add'),
});

export const gitopsMergeParams = z
  .strictObject({})
  .describe(
    "no parameters: merges the plan's revert pull request (runbook gitops:), or waits for a person to",
  );
export const gitopsWaitSyncParams = z
  .strictObject({})
  .describe(
    'no parameters: waits until the Deployment runs the target image, rolled out (kubectl rollout status)',
  );

export const waitParams = z.strictObject({ duration: duration('how long to wait') });

export const httpCheckParams = z.strictObject({
  url: templatedUrl('URL to probe'),
  method: z.enum(['GET', 'HEAD']).default('GET').describe('HTTP method (default GET)'),
  headers: headers.default({}),
  expectStatus: statusCodes('status code(s) that count as healthy (default 200)').default([200]),
  bodyContains: z.string().optional().describe('the body must contain this text'),
  holdFor: duration('the check must keep passing this long (default 0: once)').prefault('0'),
  interval: duration('time between probes (default 5s)').prefault('5s'),
});

export const prometheusCheckParams = z
  .strictObject({
    url: templatedUrl('Prometheus base URL; default: the PROMETHEUS_URL setting').optional(),
    query: z.string().min(1).describe('PromQL instant query; its (single) value is compared'),
    below: z.number().optional().describe('healthy while the value is below this'),
    above: z.number().optional().describe('healthy while the value is above this'),
    holdFor: duration('the check must keep passing this long (default 0: once)').prefault('0'),
    interval: duration('time between queries (default 10s)').prefault('10s'),
  })
  .refine((p) => p.below !== undefined || p.above !== undefined, {
    message: 'a prometheus.check needs a threshold',
    params: { hint: 'add below: <number> (healthy when lower) or above: <number>' },
  });

const retry = z
  .strictObject({
    attempts: z.number().int().min(1).max(20).default(1).describe('tries in all (1 = no retry)'),
    backoff: duration('wait before the next try, doubled each time (default 2s)').prefault('2s'),
  })
  .describe('retry a failed step');

/** One step: `{ id?, type, with, timeout?, retry? }` with `with` typed by `type`. */
function step<T extends string, P extends z.ZodType>(
  type: T,
  params: P,
  withRequired: boolean,
  description: string,
) {
  return z
    .strictObject({
      id: z
        .string()
        .regex(/^[A-Za-z0-9_.-]+$/, { error: 'step ids use letters, digits, "_", "." and "-"' })
        .optional()
        .describe('stable id (progress, resume, audit); default <type>-<position>'),
      type: z.literal(type),
      with: withRequired ? params : params.optional().prefault({} as never),
      timeout: duration('give up on this step after this long (default: the runbook timeout)').optional(),
      retry: retry.prefault({}),
    })
    .describe(description);
}

export const rolloutUndoStep = step('k8s.rolloutUndo', rolloutUndoParams, false, 'roll the Deployment back');
export const waitRolloutStep = step(
  'k8s.waitRollout',
  waitRolloutParams,
  false,
  'wait until the rollout completes',
);
export const httpRequestStep = step('http.request', httpRequestParams, true, 'call an HTTP endpoint');
export const slackNotifyStep = step('slack.notify', slackNotifyParams, true, 'post a Slack message');
export const githubCommentStep = step(
  'github.comment',
  githubCommentParams,
  true,
  'comment on a GitHub issue or PR',
);
export const githubIssueStep = step('github.issue', githubIssueParams, true, 'open a GitHub issue');
export const waitStep = step('wait', waitParams, true, 'pause');
export const httpCheckStep = step(
  'http.check',
  httpCheckParams,
  true,
  'probe an HTTP endpoint until healthy',
);
export const prometheusCheckStep = step(
  'prometheus.check',
  prometheusCheckParams,
  true,
  'compare a PromQL value',
);

export const gitopsMergeStep = step(
  'gitops.merge',
  gitopsMergeParams,
  false,
  'merge the revert pull request in the config repository (runbook gitops:)',
);
export const gitopsWaitSyncStep = step(
  'gitops.waitSync',
  gitopsWaitSyncParams,
  false,
  'wait until the GitOps controller has synced the revert and the rollout completed',
);

const checkSteps = [httpCheckStep, prometheusCheckStep] as const;

/** Any step allowed in `steps`. */
export const stepSchema = z.discriminatedUnion('type', [
  rolloutUndoStep,
  waitRolloutStep,
  httpRequestStep,
  slackNotifyStep,
  githubCommentStep,
  githubIssueStep,
  waitStep,
  gitopsMergeStep,
  gitopsWaitSyncStep,
  ...checkSteps,
]);

/** Steps allowed in `verification`: checks only. */
export const checkStepSchema = z.discriminatedUnion('type', [...checkSteps]);

export const STEP_TYPES = stepSchema.options.map((o) => o.shape.type.value);
export const CHECK_STEP_TYPES = checkStepSchema.options.map((o) => o.shape.type.value);

export type RolloutUndoParams = z.output<typeof rolloutUndoParams>;
export type WaitRolloutParams = z.output<typeof waitRolloutParams>;
export type HttpRequestParams = z.output<typeof httpRequestParams>;
export type SlackNotifyParams = z.output<typeof slackNotifyParams>;
export type GithubCommentParams = z.output<typeof githubCommentParams>;
export type GithubIssueParams = z.output<typeof githubIssueParams>;
export type WaitParams = z.output<typeof waitParams>;
export type GitopsMergeParams = z.output<typeof gitopsMergeParams>;
export type GitopsWaitSyncParams = z.output<typeof gitopsWaitSyncParams>;
export type HttpCheckParams = z.output<typeof httpCheckParams>;
export type PrometheusCheckParams = z.output<typeof prometheusCheckParams>;

/** A parsed step; the runbook loader always fills `id`. */
export type Step = z.output<typeof stepSchema> & { id: string };
export type CheckStep = z.output<typeof checkStepSchema> & { id: string };
export type StepType = Step['type'];
/** The params of a step type, e.g. `StepParams<'http.check'>`. */
export type StepParams<T extends StepType> = Extract<Step, { type: T }>['with'];

/**
 * Steps rollbot adds to the plan itself (never written under `steps:`): a runbook's `silence:`
 * becomes `alertmanager.silence` before the first step and `alertmanager.expireSilence` after the
 * last check, so each is run, audited, resumed and shown like any other step.
 */
export type InternalStepType = 'alertmanager.silence' | 'alertmanager.expireSilence';

/** Their ids (a runbook with `silence:` may not use them for its own steps). */
export const SILENCE_STEP_IDS = { create: 'silence-alerts', expire: 'expire-silence' } as const;
