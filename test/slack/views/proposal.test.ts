import { describe, expect, it } from '@jest/globals';
import {
  APPROVE_ACTION,
  DISMISS_ACTION,
  proposalView,
  validateView,
} from '../../../src/slack/views/index.js';
import { FIXTURE_NOW, makeIncident } from '../../helpers/incidents.js';
import { blockText, buttons } from './helpers.js';

const now = FIXTURE_NOW;

describe('proposalView', () => {
  it('shows the plan and offers exactly one primary Approve with a confirm naming deployment and target', () => {
    const view = proposalView(makeIncident(), { now });
    expect(validateView(view)).toEqual([]);
    const [approve, dismiss, ...rest] = buttons(view.blocks);
    expect(rest).toEqual([]);
    expect(approve).toMatchObject({
      action_id: APPROVE_ACTION,
      style: 'primary',
      value: 'inc-20260310-140000-payments-api',
    });
    expect(approve?.confirm?.text.text).toBe(
      'Roll back payments/payments-api from revision 3 (1.5.0) to revision 2 (1.4.2)?',
    );
    expect(dismiss).toMatchObject({ action_id: DISMISS_ACTION, value: 'inc-20260310-140000-payments-api' });
    expect(dismiss?.style).toBeUndefined();
    expect(buttons(view.blocks).filter((b) => b.style === 'primary')).toHaveLength(1);

    const shown = blockText(view.blocks);
    expect(shown).toContain(':rotating_light: Rollback proposal: payments-api');
    expect(shown).toContain('3 alerts firing');
    expect(shown).toContain('deployed 2h ago');
    expect(shown).toContain('registry.example.com/payments/payments-api:1.5.0');
    expect(shown).toContain(
      '<https://github.com/acme/payments-api/commit/9f8e7d6c5b4a39281706f5e4d3c2b1a098765432|`9f8e7d6`> Switch card tokenizer to v2 API — alice',
    );
    expect(shown).toContain('Raise pool size to 50 &amp; retry &lt;3 times');
    expect(shown).toContain('|Dashboard>');
    expect(shown).toContain('`payments-api` v7 (sha `');
    expect(shown).toContain('<@U0BOB>, <!subteam^S0SRE>');
  });

  it('has a fallback text with the key facts', () => {
    const { text } = proposalView(makeIncident(), { now });
    expect(text).toContain('Rollback proposal: payments-api');
    expect(text).toContain('payments/payments-api: revision 3 (1.5.0) → revision 2 (1.4.2)');
    expect(text).toContain('payments-api 5xx rate 12% (threshold 2%)');
    expect(text).toContain('Reverting 3 commits');
  });

  it('offers no Approve when the target was pruned, and says why', () => {
    const view = proposalView(
      makeIncident({
        plan: {
          target: null,
          commits: [],
          targetMissingReason: 'revision 2 was pruned (revisionHistoryLimit: 1)',
        },
      }),
      { now },
    );
    expect(validateView(view)).toEqual([]);
    expect(buttons(view.blocks).map((b) => b.action_id)).toEqual([DISMISS_ACTION]);
    expect(blockText(view.blocks)).toContain('revision 2 was pruned (revisionHistoryLimit: 1)');
    expect(view.text).toContain('Cannot roll back: revision 2 was pruned');
  });

  it('offers no Approve for a no-op plan', () => {
    const view = proposalView(makeIncident({ plan: { noop: 'revision 2 (1.4.2) is already running' } }), {
      now,
    });
    expect(buttons(view.blocks).map((b) => b.action_id)).toEqual([DISMISS_ACTION]);
    expect(view.text).toContain('Nothing to do: revision 2 (1.4.2) is already running');
  });

  it('names the requester and reason for /rollback, and that the requester may not approve', () => {
    const view = proposalView(
      makeIncident({
        origin: 'command',
        alerts: null,
        requester: { id: 'U0ALICE' },
        reason: 'checkout <errors> & timeouts',
      }),
      { now },
    );
    expect(validateView(view)).toEqual([]);
    const shown = blockText(view.blocks);
    expect(shown).not.toContain(':rotating_light:');
    expect(shown).toContain('Requested by <@U0ALICE> because checkout &lt;errors&gt; &amp; timeouts');
    expect(shown).toContain('the requester may not approve');
    expect(view.text).toContain('<@U0ALICE>');
  });

  it('shows a loud break-glass banner for emergencies', () => {
    const view = proposalView(
      makeIncident({ emergency: true, requester: { id: 'U0ALICE' }, reason: 'site down' }),
      { now },
    );
    expect(blockText(view.blocks)).toContain(':fire: *EMERGENCY (break-glass)*');
    expect(blockText(view.blocks)).toContain('Break-glass approvers: <@U0CTO>');
    expect(view.text).toMatch(/^:rotating_light: EMERGENCY break-glass rollback: payments-api/);
    expect(buttons(view.blocks)[0]?.confirm?.style).toBe('danger');
    expect(buttons(view.blocks)[0]?.style).toBe('danger');
  });

  it('says when the alerts resolved, and counts approvals under a two-person rule', () => {
    const base = makeIncident();
    const spec = base.runbook.spec as { approval: { required: number } };
    const incident = makeIncident({
      alerts: { resolvedAt: Date.parse('2026-03-10T14:03:00Z'), firing: 0 },
      runbook: { ...base.runbook, spec: { ...spec, approval: { ...spec.approval, required: 2 } } },
      approvals: [{ id: 'U0BOB', at: Date.parse('2026-03-10T14:02:11Z') }],
    });
    const view = proposalView(incident, { now });
    expect(validateView(view)).toEqual([]);
    expect(blockText(view.blocks)).toContain('resolved at <!date^1773151380^{time}|14:03 UTC>');
    expect(blockText(view.blocks)).toContain('1 of 2 approvals: <@U0BOB>');
  });

  it('shows the commits note when there are no commits', () => {
    const view = proposalView(
      makeIncident({ plan: { commits: [], commitsNote: 'no repository configured' } }),
      { now },
    );
    expect(blockText(view.blocks)).toContain('no repository configured');
  });
});
