/**
 * The views for suspects, blocked proposals and requests nothing could approve: within Slack's
 * limits, no Approve where nothing can be approved, the reason and the choices in words.
 */
import { describe, expect, it } from '@jest/globals';
import { proposalView, unapprovableView, validateView } from '../../../src/slack/views/index.js';
import { FIXTURE_NOW, IMAGE_CURRENT, IMAGE_TARGET, makeIncident, makePlan } from '../../helpers/incidents.js';
import { blockText, buttons } from './helpers.js';

const now = FIXTURE_NOW;
const mark = { alert: 'HighErrorRate', at: now - 600_000 };
const at = Math.floor(mark.at / 1000);

describe('suspects, blocks and unapprovable requests', () => {
  it('a suspect target asked for by number says why; suspects passed over are named', () => {
    const view = proposalView(
      makeIncident({
        plan: {
          targetSuspect: mark,
          skippedSuspects: [{ revision: 4, images: [IMAGE_CURRENT], suspect: mark }],
        },
      }),
      { now },
    );
    expect(validateView(view)).toEqual([]);
    const text = blockText(view.blocks);
    expect(text).toContain(
      `:warning: *The target, revision 2 (1.4.2), is suspect:* it was live when *HighErrorRate* fired at <!date^${at}^{time}|`,
    );
    expect(text).toContain(
      `Passed over revision 4 (1.5.0): suspect, it was live when *HighErrorRate* fired at <!date^${at}^`,
    );
    expect(buttons(view.blocks).map((b) => b.action_id)).toEqual(['rollback_approve', 'rollback_dismiss']);
  });

  it('a blocked alert-born proposal has no Approve and names what blocks it, until when, and the emergency path', () => {
    const until = Date.parse('2026-12-27T00:00:00Z');
    const view = proposalView(
      makeIncident({ blocked: { reason: 'freeze', message: 'frozen', what: 'the holiday freeze', until } }),
      { now },
    );
    expect(validateView(view)).toEqual([]);
    expect(blockText(view.blocks)).toContain(
      `:no_entry: *Blocked by the holiday freeze until <!date^${until / 1000}^{date_short_pretty} {time}|2026-12-27 00:00 UTC>:* rollbacks of payments-api are refused while it lasts. Emergency path: \`/rollback payments-api --emergency because …\` (break-glass approvers: <@U0CTO>).`,
    );
    expect(buttons(view.blocks).map((b) => b.action_id)).toEqual(['rollback_dismiss']);
  });

  it('no target: the proposal lists the revisions one can name, suspects marked', () => {
    const view = proposalView(
      makeIncident({
        plan: {
          target: null,
          targetMissingReason: 'every earlier revision of deployment "payments-api" is suspect (2)',
          choices: [{ revision: 2, images: [IMAGE_TARGET], suspect: mark }],
        },
      }),
      { now },
    );
    expect(validateView(view)).toEqual([]);
    expect(blockText(view.blocks)).toContain(
      '`/rollback payments-api to 2` — revision 2 (1.4.2)\\n      :warning: suspect: it was live when',
    );
  });

  it('a request nothing could approve: why, nothing proposed, the choices', () => {
    const view = unapprovableView({
      service: 'payments-api',
      request: { toRevision: 3 },
      plan: makePlan({
        target: makePlan().current,
        noop: 'skipped rollback (current template already matches revision 3)',
        choices: [
          { revision: 2, images: [IMAGE_TARGET], createdAt: new Date(now - 3 * 86_400_000).toISOString() },
        ],
      }),
      now,
    });
    expect(validateView(view)).toEqual([]);
    expect(view.text).toBe(
      'Cannot roll back payments-api to revision 3: it is what runs now (skipped rollback (current template already matches revision 3)). Nothing was proposed.',
    );
    expect(blockText(view.blocks)).toContain(
      '`/rollback payments-api to 2` — revision 2 (1.4.2) · deployed 3d ago',
    );
  });
});
