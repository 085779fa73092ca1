/**
 * Realistic incidents for tests: `makeIncident()` is a valid payments-api proposal (revision 3 →
 * 2, three commits, one firing alert group, a runbook parsed by the real schema). Override what
 * a test is about; `plan` and `alerts` overrides are merged into the defaults.
 */
import { createHash } from 'node:crypto';
import type { AlertSummary, Incident, IncidentPlan, StepRecord } from '../../src/incidents/incident.js';
import { runbookSchema, type RunbookInput } from '../../src/runbooks/schema.js';

/** "Now" for fixtures: five minutes after the incident was created. */
export const FIXTURE_NOW = Date.parse('2026-03-10T14:05:00Z');
export const CREATED_AT = Date.parse('2026-03-10T14:00:00Z');

export const IMAGE_CURRENT = 'registry.example.com/payments/payments-api:1.5.0';
export const IMAGE_TARGET = 'registry.example.com/payments/payments-api:1.4.2';

export const RUNBOOK_INPUT: RunbookInput = {
  name: 'payments-api',
  version: '7',
  description: 'Roll payments-api back to its previous revision',
  environment: 'production',
  match: [['service="payments-api"']],
  target: { namespace: 'payments', deployment: 'payments-api' },
  channel: 'C0PAYMENTS',
  repository: { github: 'acme/payments-api', refFromTag: 'v{tag}' },
  approval: {
    approvers: { users: ['U0BOB'], groups: ['S0SRE'] },
    required: 1,
    breakGlass: { approvers: { users: ['U0CTO'], groups: [] } },
  },
  steps: [
    { id: 'undo', type: 'k8s.rolloutUndo', with: {} },
    { id: 'wait-rollout', type: 'k8s.waitRollout', with: {} },
  ],
  verification: [
    { id: 'health', type: 'http.check', with: { url: 'http://payments-api.payments.svc/healthz' } },
  ],
};

export function makeRunbookSnapshot(input: RunbookInput = RUNBOOK_INPUT): Incident['runbook'] {
  const spec = runbookSchema.parse(input);
  const source = input as unknown as Record<string, unknown>;
  return {
    name: spec.name,
    version: spec.version,
    sha256: createHash('sha256').update(JSON.stringify(source)).digest('hex'),
    source,
    spec,
  };
}

export function makeAlerts(overrides: Partial<AlertSummary> = {}): AlertSummary {
  return {
    count: 3,
    deliveries: 4,
    firing: 3,
    keys: [
      'a1b2c3d4e5f60718@2026-03-10T13:58:00Z',
      'b1b2c3d4e5f60718@2026-03-10T13:58:30Z',
      'c1b2c3d4e5f60718@2026-03-10T13:59:00Z',
    ],
    groupKeys: ['{}/{service="payments-api"}:{alertname="HighErrorRate"}'],
    firstAt: Date.parse('2026-03-10T13:58:00Z'),
    lastAt: Date.parse('2026-03-10T13:59:00Z'),
    summary: 'payments-api 5xx rate 12% (threshold 2%)',
    labels: {
      alertname: 'HighErrorRate',
      service: 'payments-api',
      severity: 'critical',
      namespace: 'payments',
    },
    links: {
      generatorURL:
        'http://prometheus.example.com/graph?g0.expr=rate%28http_requests_total%7Bcode%3D~%225..%22%7D%5B5m%5D%29&g0.tab=1',
      dashboardURL: 'https://grafana.example.com/d/payments?orgId=1&var-service=payments-api',
      runbookURL: 'https://wiki.example.com/runbooks/payments-api',
    },
    ...overrides,
  };
}

export function makePlan(overrides: Partial<IncidentPlan> = {}): IncidentPlan {
  return {
    namespace: 'payments',
    deployment: 'payments-api',
    resourceVersion: '48213',
    templateHash: '7d9f8c6b5',
    current: {
      revision: 3,
      images: [IMAGE_CURRENT],
      changeCause: 'deploy 1.5.0 (PR #412: new card tokenizer)',
      createdAt: '2026-03-10T12:00:00Z',
    },
    target: {
      revision: 2,
      images: [IMAGE_TARGET],
      changeCause: 'deploy 1.4.2',
      createdAt: '2026-03-03T09:30:00Z',
    },
    commits: [
      {
        sha: '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432',
        message: 'Switch card tokenizer to v2 API\n\nLonger body',
        author: 'alice',
        url: 'https://github.com/acme/payments-api/commit/9f8e7d6c5b4a39281706f5e4d3c2b1a098765432',
      },
      {
        sha: '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d',
        message: 'Raise pool size to 50 & retry <3 times',
        author: 'bob',
        url: 'https://github.com/acme/payments-api/commit/1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d',
      },
      {
        sha: 'abcdef0123456789abcdef0123456789abcdef01',
        message: 'Bump version to 1.5.0',
        author: 'release-bot',
      },
    ],
    compareUrl: 'https://github.com/acme/payments-api/compare/v1.4.2...v1.5.0',
    ...overrides,
  };
}

export type IncidentOverrides = Omit<Partial<Incident>, 'plan' | 'alerts'> & {
  plan?: Partial<IncidentPlan>;
  alerts?: Partial<AlertSummary> | null;
};

/** A valid payments-api incident in `proposed`, from an alert; override what the test needs. */
export function makeIncident(overrides: IncidentOverrides = {}): Incident {
  const { plan, alerts, ...rest } = overrides;
  return {
    id: 'inc-20260310-140000-payments-api',
    service: 'payments-api',
    state: 'proposed',
    origin: 'alert',
    createdAt: CREATED_AT,
    updatedAt: CREATED_AT,
    request: {},
    runbook: makeRunbookSnapshot(),
    channel: 'C0PAYMENTS',
    plan: makePlan(plan),
    approvals: [],
    ...(alerts === null ? {} : { alerts: makeAlerts(alerts ?? {}) }),
    ...rest,
  };
}

/** Steps of the default runbook, with the given statuses (and realistic times and summaries). */
export function makeSteps(
  statuses: Partial<Record<'undo' | 'wait-rollout' | 'health', StepRecord['status']>> = {},
  start = CREATED_AT + 60_000,
): StepRecord[] {
  const timed = (status: StepRecord['status'], from: number, ms: number) =>
    status === 'pending' || status === 'skipped'
      ? {}
      : { startedAt: from, ...(status === 'running' ? {} : { finishedAt: from + ms }) };
  const undo = statuses.undo ?? 'succeeded';
  const wait = statuses['wait-rollout'] ?? 'succeeded';
  const health = statuses.health ?? 'succeeded';
  return [
    {
      id: 'undo',
      type: 'k8s.rolloutUndo',
      phase: 'steps',
      status: undo,
      attempts: 1,
      ...timed(undo, start, 1_200),
      summary: 'rolled back to revision 2 (now revision 4)',
      output: { newRevision: 4 },
    },
    {
      id: 'wait-rollout',
      type: 'k8s.waitRollout',
      phase: 'steps',
      status: wait,
      attempts: 1,
      ...timed(wait, start + 1_200, 12_300),
      summary: '2/3 updated, 1 available',
    },
    {
      id: 'health',
      type: 'http.check',
      phase: 'verification',
      status: health,
      attempts: 1,
      ...timed(health, start + 13_500, 41_000),
      summary: '200 OK for 40s',
    },
  ];
}

/** The default incident approved by Bob and finished with the given step statuses. */
export function makeRunIncident(
  state: Incident['state'],
  steps: StepRecord[] = makeSteps(),
  overrides: IncidentOverrides = {},
): Incident {
  const started = CREATED_AT + 60_000;
  const finished = steps.reduce((t, s) => Math.max(t, s.finishedAt ?? 0), started);
  return makeIncident({
    state,
    approvals: [{ id: 'U0BOB', name: 'bob', at: CREATED_AT + 59_000 }],
    approvedAt: CREATED_AT + 59_000,
    updatedAt: finished,
    execution: {
      owner: 'rollbot-7c9d-1',
      startedAt: started,
      ...(state === 'running' || state === 'approved' ? {} : { finishedAt: finished }),
      steps,
    },
    ...overrides,
  });
}
