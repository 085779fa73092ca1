/**
 * The runbook format: `runbooks/<name>.yaml`, the team's agreed rollback procedure for one
 * service. Parsed once by zod; the result (`Runbook`) is plain JSON (durations in
 * milliseconds, every default filled) so an incident can store the exact version it ran with.
 * `runbooks/runbook.schema.json` is generated from this file (`rollbot runbooks schema`).
 */
import { z } from 'zod';
import { channelId, duration, githubRepo, groupId, labelName, templatedUrl, userId } from './fields.js';
import { MATCHER_HINT, parseMatcher } from './matchers.js';
import { gitops, gitopsSteps } from './gitops-schema.js';
import { checkStepSchema, SILENCE_STEP_IDS, stepSchema, type CheckStep, type Step } from './steps-schema.js';

const matcher = z
  .string()
  .describe(
    'Alertmanager matcher: name="value", name!="value", name=~"regex", name!~"regex" (regexes fully anchored)',
  )
  .superRefine((text, ctx) => {
    try {
      parseMatcher(text);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message, params: { hint: MATCHER_HINT } });
    }
  });

const k8sName = (what: string) =>
  z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, {
    error: `expected a Kubernetes ${what} name (lower case, digits, "-")`,
  });

const fromLabel = (what: string) =>
  z
    .strictObject({
      fromLabel: labelName.describe('take the value from this alert label'),
      default: k8sName(what)
        .optional()
        .describe('used when the label is absent, e.g. for /rollback without an alert'),
    })
    .describe('resolved from the firing alert');

const targetRef = (what: string) =>
  z
    .union([k8sName(what), fromLabel(what)])
    .describe(`${what}: a literal name, or { fromLabel: <label>, default?: <name> }`);

const approvers = z
  .strictObject({
    users: z.array(userId).default([]).describe('Slack user ids who may approve'),
    groups: z.array(groupId).default([]).describe('Slack user groups whose members may approve'),
  })
  .refine((a) => a.users.length + a.groups.length > 0, {
    message: 'no approvers: name at least one user or group',
    params: { hint: 'add users: [U…] or groups: [S…]' },
  });

const hhmm = z
  .string()
  .regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, { error: 'expected a time of day as HH:MM (24h)' });
const weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
const timezone = z
  .string()
  .describe('IANA time zone, e.g. Europe/Berlin')
  .refine(
    (tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false; // Intl throws RangeError for an unknown zone: the refinement's message names it
      }
    },
    { message: 'unknown time zone', params: { hint: 'use an IANA name such as UTC or Europe/Berlin' } },
  );
const isoInstant = z.iso.datetime({
  offset: true,
  error: 'expected an RFC 3339 time such as 2026-12-24T00:00:00Z',
});

const absoluteFreeze = z
  .strictObject({
    from: isoInstant.describe('start (inclusive), RFC 3339'),
    to: isoInstant.describe('end (exclusive), RFC 3339'),
    reason: z.string().min(1).describe('shown to whoever is refused'),
  })
  .refine((w) => Date.parse(w.from) < Date.parse(w.to), {
    message: 'freeze window ends before it starts',
    path: ['to'],
    params: { hint: 'swap from and to' },
  });

const weeklyFreeze = z.strictObject({
  weekly: z
    .strictObject({
      days: z.array(weekday).min(1).describe('days the window starts on'),
      from: hhmm.describe('start time of day'),
      to: hhmm.describe('end time of day (inclusive minute; earlier than from = runs past midnight)'),
      timezone: timezone.default('UTC'),
    })
    .describe('a window repeating every week'),
  reason: z.string().min(1).describe('shown to whoever is refused'),
});

const DAY_MS = 24 * 3_600_000;

const approval = z
  .strictObject({
    approvers: approvers.describe('who may approve a rollback'),
    required: z.number().int().min(1).default(1).describe('distinct approvers needed'),
    requesterMayApprove: z
      .boolean()
      .optional()
      .describe('may the requester approve their own rollback? default: false in production, true elsewhere'),
    breakGlass: z
      .strictObject({ approvers: approvers.describe('who may force an emergency rollback') })
      .optional()
      .describe(
        'emergency path: one approval from these people, ignores cooldown and freezes, loudly audited',
      ),
    cooldown: duration('no new rollback of this service this long after one (default 30m)').prefault('30m'),
    cooldownAfterFailure: duration('cooldown after a failed rollback (default 10m)').prefault('10m'),
    proposalTtl: duration('an unapproved proposal expires after this (default 2h)').prefault('2h'),
    dismissalWindow: duration(
      'after a proposal is dismissed, re-sends of the same alert stay quiet this long (default 30m)',
    ).prefault('30m'),
    freeze: z
      .array(z.union([absoluteFreeze, weeklyFreeze]))
      .default([])
      .describe('windows in which rollbacks are refused (break-glass excepted)'),
  })
  .refine((a) => a.dismissalWindow <= DAY_MS, {
    message:
      'dismissalWindow is longer than a day: a dismissed alert that keeps firing would stay silent all that time',
    path: ['dismissalWindow'],
    params: { hint: "keep it near Alertmanager's repeat_interval (4h by default); 30m is the default" },
  });

const repository = z.strictObject({
  github: githubRepo.describe('repository the image is built from'),
  refFromTag: z
    .string()
    .refine((s) => s.includes('{tag}'), {
      message: 'refFromTag must contain {tag}',
      params: { hint: 'e.g. "v{tag}" turns image tag 1.4.2 into git ref v1.4.2' },
    })
    .default('{tag}')
    .describe('git ref for an image tag, "{tag}" replaced (default "{tag}")'),
});

const postmortem = z.union([
  z.literal(false),
  z.strictObject({
    githubIssue: z
      .strictObject({
        repo: githubRepo,
        labels: z.array(z.string().min(1)).default(['postmortem']).describe('issue labels'),
      })
      .optional()
      .describe('open the postmortem as a GitHub issue'),
  }),
]);

/**
 * An Alertmanager silence while the runbook runs, for the alerts the rollback itself is expected
 * to cause (pods restarting, replicas mismatching). Scoped, never a blanket: equality matchers on
 * the incident's own alert labels, AND the runbook's matchers. Created on approval, expired once
 * verification passes, left to run out at its end time when the rollback fails.
 */
const silence = z
  .strictObject({
    fromAlertLabels: z
      .array(labelName)
      .min(1)
      .default(['alertname', 'service', 'namespace'])
      .describe('labels copied from the incident\'s alert as name="value" matchers (those the alert has)'),
    matchers: z.array(matcher).default([]).describe('more matchers, ANDed with those (Alertmanager syntax)'),
    duration: duration('how long the silence lasts at most (default 1h); expired early on success').prefault(
      '1h',
    ),
    url: templatedUrl('Alertmanager base URL; default ALERTMANAGER_URL').optional(),
  })
  .describe('silence the alerts this rollback is expected to cause, while it runs');

/** The runbook as written (before defaults that depend on other fields). */
export const runbookObjectSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, {
        error: 'runbook names are lower case letters, digits and "-"',
      })
      .describe('runbook name, usually the file name'),
    version: z
      .union([z.string().min(1), z.number()])
      .transform(String)
      .describe('version of this runbook, recorded on every incident; bump it on every change'),
    description: z.string().optional().describe('one line: what this runbook is for'),
    service: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, {
        error: 'service names are lower case letters, digits and "-"',
      })
      .optional()
      .describe('the name on-call types: /rollback <service>; default: name'),
    environment: z
      .enum(['production', 'staging', 'development'])
      .default('production')
      .describe('default production'),
    match: z
      .array(z.array(matcher).min(1).describe('all matchers must match (AND)'))
      .default([])
      .describe('alerts this runbook handles: any group (OR) of matchers (AND)'),
    target: z
      .strictObject({ namespace: targetRef('namespace'), deployment: targetRef('deployment') })
      .describe('the Deployment to roll back'),
    channel: channelId.describe('Slack channel id (C…/G…) for proposals and progress'),
    repository: repository.optional().describe('lets the plan list the commits being reverted'),
    gitops: gitops.optional(),
    allowDrift: z
      .boolean()
      .default(false)
      .describe(
        'run k8s.rolloutUndo although Argo CD, Flux or Helm manages the Deployment (declare it when the team turns self-heal off during incidents); default false: refused for a GitOps controller, a drift warning for Helm',
      ),
    approval,
    onResolved: z
      .enum(['keep', 'withdraw'])
      .default('keep')
      .describe('when the alert resolves: keep the Approve button, or withdraw the proposal'),
    timeout: duration('whole-runbook timeout (default 30m)').prefault('30m'),
    steps: z.array(stepSchema).min(1).describe('actions, run in order'),
    verification: z.array(checkStepSchema).default([]).describe('checks after the steps; all must pass'),
    notifications: z
      .strictObject({
        auditChannel: channelId.optional().describe('also post every audit line here'),
        mention: z
          .array(z.union([userId, groupId]))
          .default([])
          .describe('users/groups mentioned on proposals'),
      })
      .prefault({}),
    postmortem: postmortem.default(false).describe('where the postmortem goes; false = thread only'),
    silence: silence.optional(),
  })
  .superRefine((rb, ctx) => {
    const seen = new Set<string>();
    const check = (list: readonly { id?: string | undefined }[], key: 'steps' | 'verification') =>
      list.forEach((s, i) => {
        if (typeof s !== 'object' || s === null || typeof s.id !== 'string') return;
        if (seen.has(s.id)) {
          ctx.addIssue({
            code: 'custom',
            path: [key, i, 'id'],
            message: `duplicate step id "${s.id}"`,
            params: { hint: 'step ids must be unique within a runbook' },
          });
        }
        seen.add(s.id);
        if (rb.silence && Object.values<string>(SILENCE_STEP_IDS).includes(s.id))
          ctx.addIssue({
            code: 'custom',
            path: [key, i, 'id'],
            message: `step id "${s.id}" is the one rollbot gives the silence's own step`,
            params: { hint: 'rename the step' },
          });
      });
    check(rb.steps, 'steps');
    check(rb.verification, 'verification');
    gitopsSteps(rb, ctx);
  });

/** Fills the defaults that depend on other fields: service, requesterMayApprove, step ids. */
export const runbookSchema = runbookObjectSchema.transform((rb) => {
  const withIds = <S extends { id?: string | undefined; type: string }>(list: S[], prefix: string) =>
    list.map((s, i) => ({ ...s, id: s.id ?? `${prefix}${s.type}-${i + 1}` }));
  return {
    ...rb,
    service: rb.service ?? rb.name,
    approval: {
      ...rb.approval,
      requesterMayApprove: rb.approval.requesterMayApprove ?? rb.environment !== 'production',
    },
    steps: withIds(rb.steps, '') as Step[],
    verification: withIds(rb.verification, 'verify-') as CheckStep[],
  };
});

export type Runbook = z.output<typeof runbookSchema>;
export type RunbookInput = z.input<typeof runbookSchema>;
export type TargetRef = Runbook['target']['namespace'];
export type Approvers = Runbook['approval']['approvers'];
export type FreezeWindow = Runbook['approval']['freeze'][number];
export type Environment = Runbook['environment'];
