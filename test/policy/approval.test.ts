import { decideApproval } from '../../src/policy/approval.js';
import { activeFreeze } from '../../src/policy/freeze.js';
import type { Runbook } from '../../src/runbooks/schema.js';
import { runbookSchema } from '../../src/runbooks/schema.js';
import { CREATED_AT, FIXTURE_NOW, RUNBOOK_INPUT, makeIncident } from '../helpers/incidents.js';

const runbook = (edit: (input: typeof RUNBOOK_INPUT) => void = () => undefined): Runbook => {
  const input = structuredClone(RUNBOOK_INPUT);
  edit(input);
  return runbookSchema.parse(input);
};
const facts = (over: Partial<Parameters<typeof decideApproval>[3]> = {}) => ({
  now: FIXTURE_NOW,
  groupMembers: { S0SRE: ['U0ERIN'] },
  cooldown: null,
  ...over,
});
const bob = { id: 'U0BOB', name: 'bob' };

describe('approval policy', () => {
  test('approvers by id and by group; others refused naming who may approve', () => {
    const rb = runbook();
    expect(decideApproval(makeIncident(), rb, bob, facts())).toEqual({ ok: true, complete: true });
    expect(decideApproval(makeIncident(), rb, { id: 'U0ERIN' }, facts())).toEqual({
      ok: true,
      complete: true,
    });
    const refused = decideApproval(makeIncident(), rb, { id: 'U0CAROL' }, facts());
    expect(refused).toMatchObject({ ok: false, reason: 'not_approver' });
    if (!refused.ok) expect(refused.message).toContain('<@U0BOB>, <!subteam^S0SRE>');
    // group membership unknown (free plan): ids alone still work, group members are not assumed
    expect(decideApproval(makeIncident(), rb, { id: 'U0ERIN' }, facts({ groupMembers: {} }))).toMatchObject({
      ok: false,
      reason: 'not_approver',
    });
  });

  test('two-person rule in production; allowed elsewhere or when the runbook says so', () => {
    const mine = makeIncident({ origin: 'command', requester: bob });
    expect(decideApproval(mine, runbook(), bob, facts())).toMatchObject({
      ok: false,
      reason: 'requester_may_not_approve',
    });
    expect(
      decideApproval(
        mine,
        runbook((i) => (i.environment = 'staging')),
        bob,
        facts(),
      ),
    ).toMatchObject({ ok: true });
    expect(
      decideApproval(
        mine,
        runbook((i) => (i.approval!.requesterMayApprove = true)),
        bob,
        facts(),
      ),
    ).toMatchObject({ ok: true });
  });

  test('cooldown after a failed rollback refuses, naming the earlier incident; break-glass passes it', () => {
    const cooldown = {
      service: 'payments-api',
      incidentId: 'inc-earlier',
      result: 'failed' as const,
      finishedAt: FIXTURE_NOW - 60_000,
      until: FIXTURE_NOW + 540_000,
    };
    const refused = decideApproval(makeIncident(), runbook(), bob, facts({ cooldown }));
    expect(refused).toMatchObject({ ok: false, reason: 'cooldown' });
    if (!refused.ok) expect(refused.message).toMatch(/inc-earlier, failed.*--emergency/s);
    const emergency = makeIncident({ emergency: true });
    expect(decideApproval(emergency, runbook(), { id: 'U0CTO' }, facts({ cooldown }))).toEqual({
      ok: true,
      complete: true,
    });
    expect(decideApproval(emergency, runbook(), bob, facts({ cooldown }))).toMatchObject({
      ok: false,
      reason: 'not_breakglass_approver',
    });
  });

  test('a freeze that starts after the proposal still refuses at approval time', () => {
    const rb = runbook((i) => {
      i.approval!.freeze = [
        {
          from: new Date(CREATED_AT + 60_000).toISOString(),
          to: new Date(CREATED_AT + 3_600_000).toISOString(),
          reason: 'release freeze',
        },
      ];
    });
    const refused = decideApproval(makeIncident(), rb, bob, facts());
    expect(refused).toMatchObject({ ok: false, reason: 'freeze' });
    if (!refused.ok) expect(refused.message).toContain('release freeze');
    expect(decideApproval(makeIncident(), rb, bob, facts({ now: CREATED_AT + 3_600_000 }))).toMatchObject({
      ok: true,
    });
  });

  test('an expired proposal, a missing target and a second approval by the same person are refused', () => {
    const rb = runbook();
    expect(
      decideApproval(makeIncident(), rb, bob, facts({ now: CREATED_AT + rb.approval.proposalTtl + 1 })),
    ).toMatchObject({ ok: false, reason: 'expired' });
    expect(
      decideApproval(
        makeIncident({ plan: { target: null, targetMissingReason: 'revision 2 was pruned' } }),
        rb,
        bob,
        facts(),
      ),
    ).toMatchObject({ ok: false, reason: 'no_target' });
    const two = runbook((i) => (i.approval!.required = 2));
    const once = makeIncident({ approvals: [{ id: 'U0BOB', at: FIXTURE_NOW }] });
    expect(decideApproval(once, two, bob, facts())).toMatchObject({
      ok: false,
      reason: 'already_approved_by_you',
    });
    expect(decideApproval(makeIncident(), two, bob, facts())).toEqual({ ok: true, complete: false });
    expect(decideApproval(once, two, { id: 'U0ERIN' }, facts())).toEqual({ ok: true, complete: true });
  });
});

describe('freeze windows', () => {
  const weekend = {
    weekly: { days: ['fri' as const], from: '22:00', to: '06:00', timezone: 'Europe/Berlin' },
    reason: 'overnight',
  };
  test('weekly windows run past midnight in their own time zone', () => {
    // Friday 2026-03-13 22:30 Berlin (21:30Z) and Saturday 05:59 Berlin (04:59Z) are inside; Saturday 06:01 is not.
    expect(activeFreeze([weekend], Date.parse('2026-03-13T21:30:00Z'))).toBe(weekend);
    expect(activeFreeze([weekend], Date.parse('2026-03-14T04:59:00Z'))).toBe(weekend);
    expect(activeFreeze([weekend], Date.parse('2026-03-14T05:01:00Z'))).toBeUndefined();
    expect(activeFreeze([weekend], Date.parse('2026-03-12T21:30:00Z'))).toBeUndefined();
  });
});
