import { AuditLog, type AuditEvent, type AuditRecord } from '../../src/audit/index.js';
import { ManualClock } from '../../src/core/clock.js';
import type { PostmortemInput } from '../../src/postmortem/input.js';
import { GITHUB_BODY_LIMIT, renderPostmortem } from '../../src/postmortem/render.js';
import { MemoryStore } from '../../src/store/index.js';

const T0 = Date.parse('2026-03-01T14:00:05Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const alice = { type: 'user', id: 'U0ALICE', name: 'Alice' } as const;
const bob = { type: 'user', id: 'U0BOB', name: 'Bob' } as const;
const bot = { type: 'system', name: 'rollbot' } as const;

/** The audit trail of a real incident, written through the real AuditLog. */
async function trail(extraSteps = 0): Promise<AuditRecord[]> {
  const clock = new ManualClock(T0);
  const log = new AuditLog(new MemoryStore(clock), { clock });
  const base = { incidentId: 'inc-20260301-7', service: 'payments-api' };
  const events: [number, AuditEvent][] = [
    [
      0,
      {
        action: 'alert.received',
        actor: { type: 'system', name: 'alertmanager' },
        details: { alert: 'HighErrorRate' },
      },
    ],
    [42, { action: 'proposal.posted', actor: bot }],
    [60, { action: 'rollback.requested', actor: alice }],
    [
      65,
      {
        action: 'approval.refused',
        actor: alice,
        details: { reason: 'requester may not approve | own request' },
      },
    ],
    [178, { action: 'approval.granted', actor: bob }],
    [179, { action: 'execution.started', actor: bot }],
    [180, { action: 'step.started', actor: bot, details: { step: 'undo' } }],
    [182, { action: 'step.succeeded', actor: bot, details: { step: 'undo' } }],
  ];
  for (let i = 0; i < extraSteps; i++)
    events.push([
      183,
      { action: 'step.succeeded', actor: bot, details: { step: `poll-${i}`, note: 'x'.repeat(100) } },
    ]);
  events.push([298, { action: 'rollback.succeeded', actor: bot }]);
  for (const [s, e] of events) {
    clock.advance(T0 + s * 1000 - clock.now());
    await log.append({ ...base, ...e });
  }
  return log.read();
}

async function input(over: Partial<PostmortemInput> = {}, extraSteps = 0): Promise<PostmortemInput> {
  return {
    incidentId: 'inc-20260301-7',
    service: 'payments-api',
    namespace: 'prod',
    deployment: 'payments-api',
    cluster: 'eu-west-1',
    result: 'succeeded',
    alert: {
      name: 'HighErrorRate',
      summary: '5xx ratio above 5% for 2m',
      severity: 'critical',
      source: 'alertmanager',
      labels: { service: 'payments-api', env: 'prod' },
      links: [{ title: 'Grafana', url: 'https://grafana.example/d/abc' }],
    },
    times: {
      alertFirstSeen: at(0),
      proposalPosted: at(42),
      approved: at(178),
      executionStarted: at(179),
      rolloutComplete: at(241),
      verificationPassed: at(296),
      recovered: at(296),
      finished: new Date(T0 + 298_000),
    },
    requester: { id: 'U0ALICE', name: 'Alice' },
    approvers: [{ id: 'U0BOB', name: 'Bob' }],
    reverted: {
      from: {
        revision: 42,
        image: 'registry.example/payments-api:1.4.3',
        changeCause: 'deploy 1.4.3 (#812)',
      },
      to: { revision: 41, image: 'registry.example/payments-api:1.4.2', changeCause: 'deploy 1.4.2 (#799)' },
      commits: [
        {
          sha: 'a1b2c3d4e5f6',
          message: 'Switch card tokenizer to v2\n\nlong body',
          author: 'carol',
          url: 'https://github.example/pay/commit/a1b2c3d',
        },
        { sha: 'b2c3d4e5f6a1', message: 'Bump http client | retries', author: 'dave' },
      ],
      compareUrl: 'https://github.example/pay/compare/1.4.2...1.4.3',
    },
    runbook: {
      name: 'payments-api',
      version: '7',
      sha256: 'e3b0c442'.repeat(8),
      source: 'runbooks/payments-api.yaml',
    },
    steps: [
      {
        id: 'undo',
        type: 'k8s.rolloutUndo',
        status: 'succeeded',
        durationMs: 1800,
        output: 'rolled back to revision 41',
      },
      {
        id: 'wait',
        type: 'k8s.waitRollout',
        status: 'succeeded',
        durationMs: 61_000,
        output: '3/3 replicas updated',
      },
      { id: 'smoke', type: 'http.check', status: 'succeeded', durationMs: 450 },
      { id: 'notify', type: 'slack.notify', status: 'skipped' },
    ],
    verification: [
      { name: 'error ratio < 1%', passed: true, detail: '0.2% over 2m', at: at(296) },
      { name: 'GET /healthz', passed: true },
    ],
    timeline: await trail(extraSteps),
    threadUrl: 'https://slack.example/archives/C1/p1700000000',
    ...over,
  };
}

test('a realistic succeeded rollback: summary, durations, timeline, reverted, runbook, verification, empty sections', async () => {
  const md = renderPostmortem(await input());
  expect(md.startsWith('# Postmortem: payments-api rolled back after HighErrorRate (inc-20260301-7)\n')).toBe(
    true,
  );
  for (const h of [
    'Summary',
    'Impact window',
    'Key durations',
    'Timeline',
    'What was reverted',
    'Runbook',
    'Verification',
    'Root cause',
    'Contributing factors',
    'Action items',
    'Lessons learned',
  ]) {
    expect(md).toContain(`\n## ${h}\n`);
  }
  expect(md).toMatch(
    /At 2026-03-01 14:00:05 UTC, alert \*\*HighErrorRate\*\* .* Bob \(U0BOB\) approved it at 2026-03-01 14:03:03 UTC\. The rollback succeeded/,
  );
  expect(md).toContain('the service recovered 4 m 56 s after the alert');
  // Durations: 42 s, 2 m 16 s, 63s, 4 m 56 s, 119s.
  expect(md).toContain('| Detection → proposal | 42 s |');
  expect(md).toContain('| Proposal → approval | 2 m 16 s |');
  expect(md).toContain('| Approval → rollout complete | 1 m 03 s |');
  expect(md).toContain('| Alert → recovered | 4 m 56 s |');
  expect(md).toContain('| Execution (start → finish) | 1 m 59 s |');
  expect(md).toContain('- **Duration**: 4 m 56 s');
  // Timeline from the audit records: UTC times, actor names, escaped pipes.
  expect(md).toContain('All times UTC, 2026-03-01.');
  expect(md).toContain('| 14:03:03 | Bob | `approval.granted` | — |');
  expect(md).toContain(
    '| 14:01:10 | Alice | `approval.refused` | requester may not approve \\| own request |',
  );
  expect(md).toContain('| 14:00:05 | alertmanager | `alert.received` | {"alert":"HighErrorRate"} |');
  expect(md).toContain('| From | 42 | registry.example/payments-api:1.4.3 | deploy 1.4.3 (#812) |');
  expect(md).toContain(
    '- [`a1b2c3d`](https://github.example/pay/commit/a1b2c3d) Switch card tokenizer to v2 — carol',
  );
  expect(md).toContain('Bump http client \\| retries');
  expect(md).toContain('| wait | `k8s.waitRollout` | succeeded | 1 m 01 s | 3/3 replicas updated |');
  expect(md).toContain('| notify | `slack.notify` | skipped | n/a | — |');
  expect(md).toContain('| Action | Owner | Due |');
  expect(md).toMatch(/## Root cause\n\n_To be written\._\n/);
});

test('missing times show n/a; failed and break-glass runs say so', async () => {
  const md = renderPostmortem(
    await input({
      result: 'failed',
      failureReason: 'rollout did not complete within 5m',
      breakGlass: true,
      times: {
        alertFirstSeen: at(0),
        proposalPosted: at(30),
        approved: at(40),
        executionStarted: at(41),
        finished: at(400),
      },
    }),
  );
  expect(md.startsWith('# Postmortem: payments-api rollback failed after HighErrorRate')).toBe(true);
  expect(md).toContain('| Approval → rollout complete | n/a |');
  expect(md).toContain('| Alert → recovered | n/a |');
  expect(md).toContain('- **End** (recovered): not recovered by the rollback');
  expect(md).toContain('through **break-glass**');
  expect(md).toContain('The rollback **failed**: rollout did not complete within 5m');
});

test('a huge timeline is shortened (head and tail kept, with a note) to stay under the GitHub limit', async () => {
  const inp = await input({}, 1500);
  const md = renderPostmortem(inp);
  expect(md.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
  const omitted =
    /_(\d+) events omitted to fit GitHub's 65,536-character limit; full trail: `rollbot audit export --incident inc-20260301-7`_/.exec(
      md,
    );
  expect(omitted).not.toBeNull();
  const shown = md.split('\n').filter((l) => /^\| \d\d:\d\d:\d\d \|/.test(l)).length;
  expect(shown + Number(omitted![1])).toBe(inp.timeline.length);
  expect(md).toContain('`alert.received`'); // head
  expect(md).toContain('`rollback.succeeded`'); // tail
  expect(md).toContain('## Lessons learned'); // sections after the timeline survive
  // A small limit still yields a valid, bounded document.
  expect(renderPostmortem(inp, { limit: 12_000 }).length).toBeLessThanOrEqual(12_000);
});

test('a short timeline is not truncated', async () => {
  const md = renderPostmortem(await input());
  expect(md).not.toContain('events omitted');
  expect(md.match(/^\| \d\d:\d\d:\d\d \|/gm)).toHaveLength(9);
});

test('a timeline that crosses midnight shows dates', async () => {
  const inp = await input();
  const late = inp.timeline.map((r, i) => ({
    ...r,
    at: new Date(Date.parse('2026-03-01T23:59:00Z') + i * 20_000).toISOString(),
  }));
  const md = renderPostmortem({ ...inp, timeline: late });
  expect(md).toContain('All times UTC.\n');
  expect(md).toContain('| 2026-03-02 00:00:00 | Alice | `approval.refused` |');
});
