import { describe, expect, it } from '@jest/globals';
import { RollbotError } from '../../../src/core/errors.js';
import {
  alreadyView,
  commitsThreadNote,
  errorView,
  errorViewFrom,
  helpView,
  historyView,
  leaseHeldView,
  statusView,
  threadNote,
  unroutedGroupView,
  validateView,
} from '../../../src/slack/views/index.js';
import { FIXTURE_NOW, makeIncident, makeRunIncident, makeSteps } from '../../helpers/incidents.js';
import { blockText } from './helpers.js';

const now = FIXTURE_NOW;

describe('command replies', () => {
  it('helpView lists the grammar and the services', () => {
    const view = helpView(['payments-api', 'checkout']);
    expect(validateView(view)).toEqual([]);
    for (const usage of [
      '/rollback &lt;service&gt; [to &lt;revision|image-tag&gt;] [because &lt;reason&gt;]',
      '/rollback status',
      '/rollback history',
      '/rollback cancel',
      '--emergency',
    ]) {
      expect(blockText(view.blocks)).toContain(usage);
      expect(view.text).toContain(usage);
    }
    expect(blockText(view.blocks)).toContain('`checkout`, `payments-api`');
  });

  it('errorView says what, why and what next in one line', () => {
    const view = errorView({
      what: 'Approval refused',
      why: 'you are not an approver for payments-api. Approvers: <@U0BOB>, <!subteam^S0SRE>',
      next: 'Ask one of them.',
    });
    expect(validateView(view)).toEqual([]);
    expect(view.text).toBe(
      'Approval refused: you are not an approver for payments-api. Approvers: <@U0BOB>, <!subteam^S0SRE>. Ask one of them.',
    );
    const fromError = errorViewFrom(
      new RollbotError('stale_plan', 'the Deployment changed since the proposal (revision 4 <now>)', {
        hint: 'approve the fresh proposal',
      }),
      'Approval refused',
    );
    expect(fromError.text).toBe(
      'Approval refused: the Deployment changed since the proposal (revision 4 &lt;now&gt;). approve the fresh proposal',
    );
  });

  it('alreadyView and leaseHeldView say who got there first', () => {
    const approved = alreadyView(
      makeRunIncident('running', makeSteps({ 'wait-rollout': 'running', health: 'pending' })),
      { now },
    );
    expect(approved.text).toContain(
      'Already approved by <@U0BOB> at <!date^1773151259^{time_secs}|14:00:59 UTC>',
    );
    const dismissed = alreadyView(makeIncident({ state: 'dismissed', closedBy: { id: 'U0CAROL' } }));
    expect(dismissed.text).toContain('already dismissed by <@U0CAROL>');
    const lease = leaseHeldView({ service: 'payments-api', incidentId: 'inc-1', holder: 'rollbot-7c9d-1' });
    expect(validateView(lease)).toEqual([]);
    expect(lease.text).toContain(
      'payments-api is already being rolled back by incident `inc-1` (lease held by replica `rollbot-7c9d-1`)',
    );
  });

  it('statusView lists open rollbacks, or says there are none', () => {
    expect(statusView([]).text).toBe('No rollbacks open or running.');
    const view = statusView(
      [
        makeIncident(),
        makeRunIncident('running', makeSteps({ 'wait-rollout': 'running', health: 'pending' })),
      ],
      { now },
    );
    expect(validateView(view)).toEqual([]);
    expect(view.text).toContain(
      '*payments-api* — proposed since <!date^1773151200^{time}|14:00 UTC> (5m ago) — from an alert',
    );
    expect(view.text).toContain('running (step 2/3)');
    expect(view.text).toContain('approved by <@U0BOB>');
  });

  it('historyView looks like kubectl rollout history', () => {
    const view = historyView(
      'payments-api',
      [
        {
          revision: 3,
          images: ['r/payments-api:1.5.0'],
          changeCause: 'deploy 1.5.0',
          createdAt: '2026-03-10T12:00:00Z',
          current: true,
        },
        {
          revision: 2,
          images: ['r/payments-api:1.4.2'],
          changeCause: 'deploy `1.4.2` <x>',
          createdAt: '2026-03-03T09:30:00Z',
          current: false,
        },
        { revision: 1, images: ['r/payments-api:1.4.1'], current: false },
      ],
      { now },
    );
    expect(validateView(view)).toEqual([]);
    const code = (view.blocks[1] as { text: { text: string } }).text.text;
    expect(code.split('\n')).toEqual([
      // Columns line up as Slack shows them, i.e. after &lt; becomes <.
      '```REVISION  CHANGE-CAUSE        IMAGE  AGE',
      '1         &lt;none&gt;              1.4.1  -',
      "2         deploy '1.4.2' &lt;x&gt;  1.4.2  7d",
      '3*        deploy 1.5.0        1.5.0  2h```',
    ]);
  });
});

describe('thread notes and alerts', () => {
  it('threadNote splits long text over sections', () => {
    const view = threadNote(Array.from({ length: 400 }, (_, i) => `line ${i} ${'x'.repeat(40)}`).join('\n'), {
      footer: 'rollbot',
    });
    expect(validateView(view)).toEqual([]);
    expect(view.blocks.length).toBeGreaterThan(5);
    const commits = commitsThreadNote(makeIncident());
    expect(commits.text).toContain('3 commits reverted');
  });

  it('unroutedGroupView: one message per group, each alert with its status, labels and links, escaped', () => {
    const now = Date.parse('2026-03-10T14:05:00Z');
    const view = unroutedGroupView(
      {
        groupKey: '{}:{alertname="DiskFull"}',
        source: 'alertmanager',
        reason: 'no runbook matches alertname="DiskFull"',
        updatedAt: now,
        alerts: [
          {
            identity: 'a@1',
            status: 'resolved',
            summary: 'disk <90%> & rising',
            labels: { alertname: 'DiskFull', instance: 'db-1:9100' },
            startsAt: '2026-03-10T13:00:00Z',
            endsAt: '2026-03-10T14:00:00Z',
            links: { generatorURL: 'http://prom/graph?a=1&b=2' },
          },
          {
            identity: 'b@1',
            status: 'firing',
            summary: 'disk 95% on db-2',
            labels: { alertname: 'DiskFull', instance: 'db-2:9100' },
            startsAt: '2026-03-10T13:30:00Z',
            links: {},
          },
        ],
      },
      { now },
    );
    expect(validateView(view)).toEqual([]);
    const shown = blockText(view.blocks);
    expect(shown).toContain('*1 firing, 1 resolved* — no runbook matches alertname=\\"DiskFull\\"');
    expect(shown).toContain(
      `:white_check_mark: resolved at <!date^${Date.parse('2026-03-10T14:00:00Z') / 1000}^{time}|14:00 UTC> — *disk &lt;90%&gt; &amp; rising*`,
    );
    expect(shown).toContain('`alertname=DiskFull`');
    expect(shown).toContain('<http://prom/graph?a=1&amp;b=2|Alert source>');
    // Firing first.
    expect(shown.indexOf('disk 95% on db-2')).toBeLessThan(shown.indexOf('disk &lt;90%'));
    expect(view.text).toContain('Unrouted alerts (1 firing, 1 resolved): disk &lt;90%&gt; &amp; rising');
  });
});
