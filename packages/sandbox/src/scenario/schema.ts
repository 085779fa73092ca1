import { z } from 'zod';

/**
 * A sandbox scenario: the simulated world (cluster, metrics, Slack workspace, GitHub) in one
 * YAML file. `default.yaml` beside this file is the world `rollbot demo` and the tests use.
 */
const revision = z.object({
  /** Full image reference of the (first) container at this revision. */
  image: z.string().min(1),
  /** Becomes the `kubernetes.io/change-cause` annotation of that revision. */
  changeCause: z.string().optional(),
});

/** A duration: milliseconds as a number, or a string such as `150ms`, `2s`, `1m`. */
export const duration = z.union([
  z.number().int().min(0),
  z
    .string()
    .regex(/^\d+(ms|s|m)$/, 'a duration such as 150ms, 2s or 1m')
    .transform((s) => {
      const n = Number(s.replace(/[a-z]+$/, ''));
      return s.endsWith('ms') ? n : s.endsWith('m') ? n * 60_000 : n * 1000;
    }),
]);

/**
 * How long the simulated cluster takes to react, so clients see the intermediate states a real
 * cluster shows (a Deployment whose new generation is observed while its conditions are stale,
 * pods Running but not Ready, old pods Terminating). Defaults are a small, healthy cluster's.
 */
export const timingSchema = z.object({
  /** Each controller pass (ReplicaSet, Deployment, garbage collector) runs this long after the change that triggers it. */
  controllerDelay: duration.default(100),
  /** A started pod's readiness probe first passes this long after its containers start. */
  podReadyDelay: duration.default(500),
  /** A pod being deleted stays Terminating this long (its app's shutdown after SIGTERM). */
  terminationGrace: duration.default(1000),
  /** The watch cache keeps events this long; a watch from an older resourceVersion gets 410 Gone. */
  watchCacheWindow: duration.default(75_000),
  /** Watches that asked for bookmarks get one this often (not at watch start). */
  bookmarkInterval: duration.default(60_000),
});

export const DEFAULT_TIMING = timingSchema.parse({});

const deployment = z.object({
  namespace: z.string().min(1),
  name: z.string().min(1),
  replicas: z.number().int().min(0).default(3),
  revisionHistoryLimit: z.number().int().min(0).default(10),
  progressDeadlineSeconds: z.number().int().min(1).default(600),
  /** Pod labels; the Deployment selector uses them as matchLabels. */
  labels: z.record(z.string(), z.string()).default({}),
  /**
   * Extra labels and annotations on the Deployment object itself (not its pods), as a deploy tool
   * leaves them: Argo CD's tracking-id, Flux's toolkit labels, Helm's release annotations.
   */
  metadata: z
    .object({
      labels: z.record(z.string(), z.string()).default({}),
      annotations: z.record(z.string(), z.string()).default({}),
    })
    .optional(),
  containerName: z.string().default('app'),
  /** Containers listed before the main one in every revision (a proxy, a log shipper), unchanged across history. */
  sidecars: z.array(z.object({ name: z.string().min(1), image: z.string().min(1) })).default([]),
  /** spec.strategy as in a manifest (default RollingUpdate 25%/25%). */
  strategy: z
    .object({
      type: z.enum(['RollingUpdate', 'Recreate']).default('RollingUpdate'),
      rollingUpdate: z
        .object({
          maxSurge: z.union([z.number().int().min(0), z.string().regex(/^\d+%$/)]).optional(),
          maxUnavailable: z.union([z.number().int().min(0), z.string().regex(/^\d+%$/)]).optional(),
        })
        .optional(),
    })
    .optional(),
  /**
   * `complete` (default): the last revision is fully rolled out. `stuck`: the last revision was
   * rolled out as far as the strategy allows, its pods never became Ready (list its image in
   * `unreadyImages`), and the rollout has hit ProgressDeadlineExceeded.
   */
  lastRollout: z.enum(['complete', 'stuck']).default('complete'),
  containerPort: z.number().int().optional(),
  /** Revisions in order; the last one is what runs now. Each becomes a ReplicaSet. */
  history: z.array(revision).min(1),
  /** Extra pod-template fields (raw JSON) kept verbatim, e.g. fields newer than client models. */
  extraTemplateSpec: z.record(z.string(), z.unknown()).optional(),
});

const rbacRule = z.object({
  verbs: z.array(z.string()).min(1),
  resources: z.array(z.string()).min(1),
  namespaces: z.array(z.string()).default(['*']),
});

const metric = z.object({
  /** The exact PromQL string a runbook queries (whitespace-insensitive match). */
  query: z.string().min(1),
  /** namespace/name of the Deployment whose running images decide the value. */
  deployment: z.string().regex(/^[^/]+\/[^/]+$/),
  /** Value while any bad image serves traffic. */
  whenBad: z.number(),
  /** Value once only good images serve. */
  whenGood: z.number(),
  labels: z.record(z.string(), z.string()).default({}),
  /**
   * Present: the Deployment also serves request counters (`http_requests_total{...labels, code}`
   * at /services/<ns>/<deploy>/metrics) for a real Prometheus to scrape — each Ready pod serves
   * `perPodPerSecond` requests, a fraction `whenBad` / `whenGood` of them 5xx by its image.
   */
  requests: z.object({ perPodPerSecond: z.number().positive().default(10) }).optional(),
});

const slackUser = z.object({
  id: z.string().regex(/^U[A-Z0-9]+$/),
  name: z.string().min(1),
  realName: z.string().optional(),
});

const slackGroup = z.object({
  id: z.string().regex(/^S[A-Z0-9]+$/),
  handle: z.string().min(1),
  users: z.array(z.string()),
});

const slackChannel = z.object({
  id: z.string().regex(/^C[A-Z0-9]+$/),
  name: z.string().min(1),
});

const commit = z.object({
  sha: z.string().regex(/^[0-9a-f]{40}$/),
  message: z.string(),
  author: z.string().default('dev'),
  /** ISO date. */
  date: z.string().optional(),
});

const repo = z.object({
  owner: z.string().min(1),
  name: z.string().min(1),
  /** Linear history, oldest first. */
  commits: z.array(commit).default([]),
  /** Tag name → commit sha. */
  tags: z.record(z.string(), z.string()).default({}),
  /** Path → file content at the newest commit (served by get-content at any ref). */
  files: z.record(z.string(), z.string()).default({}),
  /**
   * A repository of real git objects instead (github/git-repo.ts): each entry is a commit on
   * `main` setting the files it lists (null deletes one). Branches, the Git Data and Contents
   * APIs, pull requests and merges work on it.
   */
  history: z
    .array(
      z.object({
        message: z.string().min(1),
        author: z.string().default('dev'),
        date: z.string().optional(),
        files: z.record(z.string(), z.string().nullable()),
      }),
    )
    .default([]),
  /** Branch protection by branch name, as GitHub's branch protection answers it. */
  protection: z
    .record(
      z.string(),
      z.object({
        requiredApprovingReviewCount: z.number().int().min(0).max(6).default(0),
        requiredStatusChecks: z.array(z.string()).default([]),
      }),
    )
    .default({}),
});

/** One app a GitOps controller (packages/sandbox/src/gitops) keeps in sync with a config-repo path. */
const gitopsApp = z.object({
  name: z.string().min(1),
  kind: z.enum(['argocd', 'flux']).default('argocd'),
  /** owner/name of a git-backed repository (one with `history`). */
  repo: z.string().regex(/^[^/]+\/[^/]+$/),
  path: z.string().min(1),
  ref: z.string().default('main'),
  namespace: z.string().min(1),
  deployment: z.string().min(1),
  /** Image name (no tag) whose tag the file sets. */
  image: z.string().min(1),
  /** Revert live drift (Argo CD selfHeal; Flux always re-applies). */
  selfHeal: z.boolean().default(true),
});

export const scenarioSchema = z.object({
  name: z.string().default('scenario'),
  description: z.string().optional(),
  cluster: z
    .object({
      namespaces: z.array(z.string()).default(['default']),
      deployments: z.array(deployment).default([]),
      /** Images that run and pass readiness but serve errors: metrics go bad, health URLs fail. */
      badImages: z.array(z.string()).default([]),
      /** Images whose pods never become ready (rollouts to them hit ProgressDeadlineExceeded). */
      unreadyImages: z.array(z.string()).default([]),
      /** Absent = every verb allowed everywhere; present = only what the rules grant (else 403). */
      rbac: z
        .object({
          user: z.string().default('system:serviceaccount:rollbot:rollbot'),
          rules: z.array(rbacRule),
        })
        .optional(),
      /** Milliseconds per simulated rollout step (one pod up or down). Tests use ~20. */
      stepMs: z.number().int().min(0).default(300),
      timing: timingSchema.default(DEFAULT_TIMING),
    })
    .default({
      namespaces: ['default'],
      deployments: [],
      badImages: [],
      unreadyImages: [],
      stepMs: 300,
      timing: DEFAULT_TIMING,
    }),
  metrics: z.array(metric).default([]),
  slack: z
    .object({
      teamId: z.string().default('T0SANDBOX'),
      teamName: z.string().default('rollbot-sandbox'),
      botUserId: z.string().default('U0ROLLBOT'),
      users: z.array(slackUser).default([]),
      usergroups: z.array(slackGroup).default([]),
      channels: z.array(slackChannel).default([]),
      /** Whether the workspace is on a paid plan (free plans answer usergroups.* with plan_upgrade_required). */
      paidPlan: z.boolean().default(true),
    })
    .default({
      teamId: 'T0SANDBOX',
      teamName: 'rollbot-sandbox',
      botUserId: 'U0ROLLBOT',
      users: [],
      usergroups: [],
      channels: [],
      paidPlan: true,
    }),
  github: z.object({ repos: z.array(repo).default([]) }).default({ repos: [] }),
  gitops: z
    .object({
      apps: z.array(gitopsApp).default([]),
      /** How often the controller compares Git and the cluster (ms). */
      pollMs: z.number().int().min(10).default(500),
      /** Drift older than this is reverted (ms; Argo CD's default self-heal timeout is 5 s). */
      selfHealDelayMs: z.number().int().min(0).default(5000),
    })
    .default({ apps: [], pollMs: 500, selfHealDelayMs: 5000 }),
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioTiming = z.infer<typeof timingSchema>;
export type ScenarioDeployment = z.infer<typeof deployment>;
export type ScenarioMetric = z.infer<typeof metric>;
export type ScenarioRepo = z.infer<typeof repo>;
export type ScenarioGitopsApp = z.infer<typeof gitopsApp>;
