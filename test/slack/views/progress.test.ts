import { describe, expect, it } from '@jest/globals';
import { progressView, resultLine, validateView } from '../../../src/slack/views/index.js';
import { CREATED_AT, FIXTURE_NOW, makeRunIncident, makeSteps } from '../../helpers/incidents.js';
import { blockText, buttons } from './helpers.js';

const now = FIXTURE_NOW;

describe('progressView', () => {
  it('shows each step with its state, duration and summary while running, and no buttons', () => {
    const steps = makeSteps({ 'wait-rollout': 'running', health: 'pending' });
    const view = progressView(makeRunIncident('running', steps), { now: CREATED_AT + 65_000 });
    expect(validateView(view)).toEqual([]);
    expect(buttons(view.blocks)).toEqual([]);
    const shown = blockText(view.blocks);
    expect(shown).toContain(':arrows_counterclockwise: Rolling back: payments-api');
    expect(shown).toContain('Approved by <@U0BOB> at <!date^1773151259^{time_secs}|14:00:59 UTC>');
    expect(shown).toContain(':white_check_mark: *undo* `k8s.rolloutUndo` — 1.2 s');
    expect(shown).toContain(
      ':hourglass_flowing_sand: *wait-rollout* `k8s.waitRollout` — 3.8 s — 2/3 updated, 1 available',
    );
    expect(shown).toContain(':white_circle: *health*');
    expect(shown).toContain('*Verification*');
    expect(shown).toContain('/rollback cancel payments-api');
    expect(view.text).toContain('Rolling back: payments-api');
    expect(view.text).toContain('Running: wait-rollout — 2/3 updated, 1 available');
  });

  it('ends with a success banner naming the new revision and the verification time', () => {
    const view = progressView(makeRunIncident('succeeded'), { now });
    expect(validateView(view)).toEqual([]);
    const banner = 'payments-api is back on revision 4 (1.4.2)*; verification passed in 41 s';
    expect(blockText(view.blocks)).toContain(banner);
    expect(view.text).toContain(banner);
    expect(blockText(view.blocks)).toContain(':white_check_mark: *wait-rollout* `k8s.waitRollout` — 12 s');
  });

  it('says which step failed, the error, and what to do next', () => {
    const steps = makeSteps({ 'wait-rollout': 'failed', health: 'skipped' });
    steps[1]!.error = {
      code: 'timeout',
      message: 'rollout did not complete within 5m: 1/3 updated, 0 available',
      hint: 'check the pods: kubectl -n payments get pods -l app=payments-api',
    };
    const view = progressView(
      makeRunIncident('failed', steps, {
        execution: {
          startedAt: CREATED_AT + 60_000,
          finishedAt: CREATED_AT + 400_000,
          steps,
          failure: { step: 'wait-rollout', message: steps[1]!.error.message, hint: steps[1]!.error.hint },
        },
      }),
      { now },
    );
    expect(validateView(view)).toEqual([]);
    const shown = blockText(view.blocks);
    expect(shown).toContain(':x: Rollback failed: payments-api');
    expect(shown).toContain(':x: *Failed at step `wait-rollout`:* rollout did not complete within 5m');
    expect(shown).toContain(
      '*What to do next:* check the pods: kubectl -n payments get pods -l app=payments-api',
    );
    expect(shown).toContain(':fast_forward: *health*');
    expect(view.text).toContain('What to do next');
    expect(view.text).toContain('Steps: 1/3 succeeded, 1 failed, 1 skipped');
    expect(shown).not.toContain('/rollback cancel');
  });

  it('says who dismissed or cancelled, and why', () => {
    const dismissed = progressView(
      makeRunIncident('dismissed', [], {
        approvals: [],
        execution: undefined,
        closedBy: { id: 'U0CAROL' },
        closeReason: 'false alarm: load test',
        updatedAt: Date.parse('2026-03-10T14:04:00Z'),
      }),
      { now },
    );
    expect(validateView(dismissed)).toEqual([]);
    expect(dismissed.text).toContain(
      '*Dismissed* by <@U0CAROL> at <!date^1773151440^{time}|14:04 UTC> — false alarm: load test',
    );

    const cancelled = progressView(
      makeRunIncident('cancelled', makeSteps({ health: 'skipped' }), {
        closedBy: { id: 'U0BOB' },
        closeReason: 'wrong service',
      }),
      { now },
    );
    expect(cancelled.text).toContain('*Cancelled* by <@U0BOB>');
    expect(cancelled.text).toContain('wrong service');

    const replaced = progressView(
      makeRunIncident('superseded', [], {
        approvals: [],
        supersededBy: 'inc-2',
        closeReason: 'stale plan: moved',
      }),
      { now },
    );
    expect(replaced.text).toContain('*Replaced* by a fresh proposal `inc-2`');
    expect(replaced.text).toContain('stale plan: moved');

    const expired = progressView(
      makeRunIncident('expired', [], { approvals: [], closeReason: 'no approval within 120 minutes' }),
      { now },
    );
    expect(expired.text).toMatch(
      /\*Expired\* at .* — no approval within 120 minutes\. payments-api is free again/,
    );
  });

  it('a run stopped after the undo says so, with the next step; a dismissal shows its quiet window', () => {
    const now = Date.parse('2026-03-10T14:20:00Z');
    const stopped = progressView(
      makeRunIncident('cancelled', makeSteps({ health: 'pending' }), {
        closedBy: { id: 'U0BOB' },
        execution: {
          steps: makeSteps({ health: 'pending' }),
          finishedAt: now - 60_000,
          stopped: {
            changedCluster: true,
            summary:
              'stopped after payments/payments-api was rolled back to revision 2 (1.4.2); verification did not run',
            next: 'check payments-api by hand',
          },
        },
      }),
      { now },
    );
    expect(validateView(stopped)).toEqual([]);
    expect(stopped.text).toContain(
      '*Stopped* by <@U0BOB> at <!date^1773152340^{time}|14:19 UTC> — stopped after payments/payments-api was rolled back to revision 2 (1.4.2); verification did not run.',
    );
    expect(stopped.text).toContain('*What to do next:* check payments-api by hand.');
    expect(stopped.text).not.toContain('Rollback cancelled');

    const until = Date.parse('2026-03-10T14:40:00Z');
    const dismissed = progressView(
      makeRunIncident('dismissed', [], {
        approvals: [],
        closedBy: { id: 'U0CAROL' },
        quietUntil: until,
        updatedAt: until - 1_800_000,
      }),
      { now },
    );
    expect(dismissed.text).toContain(`quiet until <!date^${until / 1000}^{time}|14:40 UTC>`);
  });
});

describe('resultLine', () => {
  it('is one line for the channel', () => {
    const ok = resultLine(makeRunIncident('succeeded'));
    expect(validateView(ok)).toEqual([]);
    expect(ok.text).toMatch(/^:white_check_mark: payments-api rolled back to revision 2 \(1\.4\.2\) in \d/);
    expect(ok.text).toContain('approved by <@U0BOB>');
    expect(ok.blocks).toHaveLength(1);

    const failed = resultLine(
      makeRunIncident('failed', makeSteps({ health: 'failed' }), {
        execution: { steps: [], failure: { step: 'health', message: 'GET /healthz answered 503' } },
      }),
    );
    expect(failed.text).toContain('payments-api rollback failed at step `health`: GET /healthz answered 503');
  });
});
