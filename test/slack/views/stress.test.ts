import { describe, expect, it } from '@jest/globals';
import type { StepRecord } from '../../../src/incidents/incident.js';
import {
  commitsThreadNote,
  errorView,
  helpView,
  historyView,
  progressView,
  proposalView,
  resultLine,
  statusView,
  unroutedGroupView,
  validateView,
} from '../../../src/slack/views/index.js';
import { CREATED_AT, FIXTURE_NOW, makeIncident, makeRunIncident } from '../../helpers/incidents.js';
import { blockText, buttons } from './helpers.js';

const huge = (n: number, unit = 'x<&> ') => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
const longUrl = `https://github.com/acme/payments-api/commit/${'f'.repeat(2500)}`;

function hugeIncident() {
  const commits = Array.from({ length: 200 }, (_, i) => ({
    sha: `${i.toString(16).padStart(4, '0')}${'a'.repeat(36)}`,
    message: `${huge(600)}\nbody`,
    author: huge(300),
    url: i % 2 ? longUrl : `https://github.com/acme/payments-api/commit/${i}`,
  }));
  const steps: StepRecord[] = Array.from({ length: 30 }, (_, i) => ({
    id: `step-${i}-${'s'.repeat(80)}`,
    type: 'http.check',
    phase: i < 20 ? 'steps' : 'verification',
    status: i < 10 ? 'succeeded' : i === 10 ? 'failed' : 'skipped',
    attempts: 3,
    startedAt: CREATED_AT + i * 1000,
    finishedAt: CREATED_AT + i * 1000 + 900,
    summary: huge(5000),
    error: { code: 'timeout', message: huge(5000), hint: huge(5000) },
  }));
  const revision = (revision: number) => ({
    revision,
    images: Array.from(
      { length: 40 },
      (_, i) => `registry.example.com/${huge(200, 'p')}/img-${i}:${huge(120, '1')}`,
    ),
    changeCause: huge(5000),
    createdAt: '2026-03-01T00:00:00Z',
  });
  return makeIncident({
    service: 'payments-api',
    emergency: true,
    requester: { id: 'U0ALICE' },
    reason: huge(5000),
    alerts: {
      summary: huge(5000),
      count: 999,
      firing: 999,
      links: { generatorURL: longUrl, dashboardURL: `https://x/${huge(5000, 'd')}` },
    },
    plan: {
      namespace: huge(63, 'n'),
      deployment: huge(253, 'd'),
      current: revision(300),
      target: revision(299),
      commits,
      commitsNote: huge(5000),
      targetMissingReason: huge(5000),
    },
    approvals: Array.from({ length: 30 }, (_, i) => ({ id: `U${i}`, at: CREATED_AT })),
    closeReason: huge(5000),
    execution: { steps, failure: { step: huge(300), message: huge(5000), hint: huge(5000) } },
  });
}

describe('every view stays within Slack limits on absurd input', () => {
  const incident = hugeIncident();

  it('proposal (200 commits, 5,000-char texts, 40 images)', () => {
    const view = proposalView(incident, { now: FIXTURE_NOW });
    expect(validateView(view)).toEqual([]);
    // One highlighted Approve: primary, or red (danger) for a break-glass proposal.
    expect(
      buttons(view.blocks).filter((b) => b.style === (incident.emergency ? 'danger' : 'primary')),
    ).toHaveLength(1);
    expect(blockText(view.blocks)).toMatch(/and 19\d more commits/);
    const pruned = proposalView(
      { ...incident, plan: { ...incident.plan, target: null } },
      { now: FIXTURE_NOW },
    );
    expect(validateView(pruned)).toEqual([]);
  });

  it('progress and result in every state (30 steps)', () => {
    for (const state of [
      'approved',
      'running',
      'succeeded',
      'failed',
      'cancelled',
      'dismissed',
      'expired',
    ] as const) {
      const withState = { ...incident, state };
      expect([state, validateView(progressView(withState, { now: FIXTURE_NOW }))]).toEqual([state, []]);
      expect([state, validateView(resultLine(withState))]).toEqual([state, []]);
    }
  });

  it('command replies, history, status, thread and unrouted alerts', () => {
    const many = Array.from({ length: 300 }, () => incident);
    expect(validateView(statusView(many, { now: FIXTURE_NOW }))).toEqual([]);
    expect(
      validateView(helpView(Array.from({ length: 500 }, (_, i) => `service-${i}-${huge(50, 's')}`))),
    ).toEqual([]);
    expect(validateView(errorView({ what: huge(5000), why: huge(5000), next: huge(5000) }))).toEqual([]);
    expect(validateView(commitsThreadNote(incident))).toEqual([]);
    const revisions = Array.from({ length: 500 }, (_, i) => ({
      revision: i,
      images: incident.plan.current.images,
      changeCause: huge(5000),
      current: i === 499,
    }));
    expect(validateView(historyView(huge(300), revisions, { now: FIXTURE_NOW }))).toEqual([]);
    const labels = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`label_${i}`, huge(500)]));
    expect(
      validateView(
        unroutedGroupView(
          {
            groupKey: huge(3000),
            source: 'grafana',
            reason: huge(2000),
            updatedAt: FIXTURE_NOW,
            alerts: Array.from({ length: 300 }, (_, i) => ({
              identity: `${i}`,
              status: i % 2 ? ('firing' as const) : ('resolved' as const),
              summary: huge(5000),
              labels,
              startsAt: '2026-03-10T13:00:00Z',
              links: { generatorURL: longUrl, dashboardURL: longUrl },
            })),
          },
          { now: FIXTURE_NOW },
        ),
      ),
    ).toEqual([]);
  });

  it('a finished run of the default incident is valid too', () => {
    expect(validateView(progressView(makeRunIncident('succeeded'), { now: FIXTURE_NOW }))).toEqual([]);
  });
});
