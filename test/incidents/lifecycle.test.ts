/**
 * The lifecycle table (src/incidents/lifecycle.ts), pure: every event from every state is allowed
 * exactly where MOVES says, only for the roles it names, with the audit action it names; refusals
 * carry a reason and a sentence; README.md shows the same table.
 */
import { readFile } from 'node:fs/promises';
import { STATES, type Incident, type IncidentState } from '../../src/incidents/incident.js';
import {
  type Actor,
  type EventType,
  type IncidentEvent,
  MOVES,
  movesTable,
  transition,
} from '../../src/incidents/lifecycle.js';
import { rolesOf } from '../../src/policy/roles.js';
import type { Runbook } from '../../src/runbooks/schema.js';
import { CREATED_AT, FIXTURE_NOW, makeIncident, makeSteps } from '../helpers/incidents.js';

const facts = { now: FIXTURE_NOW, groupMembers: { S0SRE: ['U0ERIN'] }, cooldown: null };
const person = (id: string, incident: Incident): Actor => ({
  kind: 'person',
  person: { id },
  roles: rolesOf(id, incident, incident.runbook.spec as Runbook, facts.groupMembers),
});
const bot: Actor = { kind: 'rollbot', name: 'rollbot/test' };

const EVENTS: Record<EventType, IncidentEvent> = {
  approve: { type: 'approve', facts },
  dismiss: { type: 'dismiss', reason: 'false alarm' },
  cancel: { type: 'cancel' },
  start: { type: 'start', owner: 'bot-0:inc#ab', fromStep: 'undo' },
  finish: { type: 'finish', outcome: 'succeeded' },
  stop: { type: 'stop' },
  supersede: { type: 'supersede', reason: 'stale plan' },
  expire: { type: 'expire' },
  withdraw: { type: 'withdraw', reason: 'the alert resolved' },
};

/** An incident in `state` that a move from that state can apply to. */
function inState(state: IncidentState): Incident {
  const running = state === 'running' || state === 'approved';
  return makeIncident({
    state,
    // old enough to expire, young enough to approve? expire is checked with its own `now` below
    ...(running
      ? {
          approvals: [{ id: 'U0BOB', at: CREATED_AT + 60_000 }],
          approvedAt: CREATED_AT + 60_000,
          execution: {
            owner: 'bot-0:inc#ab',
            startedAt: CREATED_AT + 61_000,
            steps: makeSteps({ undo: 'succeeded', 'wait-rollout': 'running', health: 'pending' }),
            cancelRequested: { id: 'U0BOB', at: CREATED_AT + 62_000 },
          },
        }
      : {}),
  });
}

describe('lifecycle table', () => {
  test('every state is reachable, and every move starts from a real state', () => {
    const reached = new Set<IncidentState>(['proposed']);
    for (const m of MOVES) for (const s of m.from) expect(STATES).toContain(s);
    for (const state of STATES) {
      for (const [type, event] of Object.entries(EVENTS) as [EventType, IncidentEvent][]) {
        const incident = inState(state);
        const actor = MOVES.find((m) => m.event === type)!.who.includes('rollbot')
          ? bot
          : person('U0BOB', incident);
        const now = type === 'expire' ? CREATED_AT + 3 * 3_600_000 : FIXTURE_NOW;
        const d = transition(incident, event, actor, now);
        if (d.ok) reached.add(d.next.state);
      }
    }
    const failed = transition(inState('running'), { type: 'finish', outcome: 'failed' }, bot, FIXTURE_NOW);
    if (failed.ok) reached.add(failed.next.state);
    expect([...reached].sort()).toEqual([...STATES].sort());
  });

  test('a move is allowed only from the states MOVES lists; elsewhere it is refused with where the incident stands', () => {
    for (const state of STATES) {
      for (const [type, event] of Object.entries(EVENTS) as [EventType, IncidentEvent][]) {
        const incident = inState(state);
        const listed = MOVES.some((m) => m.event === type && m.from.includes(state));
        const actor = MOVES.find((m) => m.event === type)!.who.includes('rollbot')
          ? bot
          : person('U0BOB', incident);
        const now = type === 'expire' ? CREATED_AT + 3 * 3_600_000 : FIXTURE_NOW;
        const d = transition(incident, event, actor, now);
        if (!listed) {
          expect({ state, type, ok: d.ok }).toEqual({ state, type, ok: false });
          if (!d.ok) expect(d.refusal.reason).toMatch(/^not_(proposed|allowed_now)$/);
        } else if (d.ok) {
          expect(d.move.audit).toContain(d.audit.action);
          expect(d.next.id).toBe(incident.id);
        }
      }
    }
  });

  test('rollbot moves are refused to people, and people moves to rollbot', () => {
    const incident = inState('proposed');
    for (const m of MOVES) {
      const event = EVENTS[m.event];
      const someone = person('U0BOB', inState(m.from[0]!));
      const actor = m.who.includes('rollbot') ? someone : bot;
      const d = transition(inState(m.from[0]!), event, actor, CREATED_AT + 3 * 3_600_000);
      expect({ move: `${m.event} from ${m.from[0]}`, ok: d.ok }).toEqual({
        move: `${m.event} from ${m.from[0]}`,
        ok: false,
      });
    }
    expect(incident.state).toBe('proposed');
  });

  test('dismiss and cancel of a proposal: approvers, break-glass approvers and the requester of their own /rollback only', () => {
    const alertBorn = makeIncident();
    const mine = makeIncident({ origin: 'command', requester: { id: 'U0CAROL' } });
    const allowed = (i: Incident, id: string, type: 'dismiss' | 'cancel') =>
      transition(i, EVENTS[type], person(id, i), FIXTURE_NOW).ok;
    for (const type of ['dismiss', 'cancel'] as const) {
      expect(allowed(alertBorn, 'U0BOB', type)).toBe(true); // approver by id
      expect(allowed(alertBorn, 'U0ERIN', type)).toBe(true); // approver by group
      expect(allowed(alertBorn, 'U0CTO', type)).toBe(true); // break-glass approver
      expect(allowed(alertBorn, 'U0CAROL', type)).toBe(false); // nobody in particular
      expect(allowed(mine, 'U0CAROL', type)).toBe(true); // withdraws her own request
      expect(allowed(makeIncident({ requester: { id: 'U0CAROL' } }), 'U0CAROL', type)).toBe(false);
    }
    const refused = transition(alertBorn, EVENTS.dismiss, person('U0CAROL', alertBorn), FIXTURE_NOW);
    expect(refused).toMatchObject({ ok: false, refusal: { reason: 'not_allowed' } });
    if (!refused.ok)
      expect(refused.refusal.message).toMatch(/Only <@U0BOB>, <!subteam\^S0SRE>.* may dismiss/);
  });

  test('an emergency proposal is dismissed only by break-glass approvers or its requester, not by ordinary approvers', () => {
    const emergency = makeIncident({ emergency: true, origin: 'command', requester: { id: 'U0ALICE' } });
    expect(transition(emergency, EVENTS.dismiss, person('U0BOB', emergency), FIXTURE_NOW).ok).toBe(false);
    expect(transition(emergency, EVENTS.dismiss, person('U0CTO', emergency), FIXTURE_NOW).ok).toBe(true);
    expect(transition(emergency, EVENTS.dismiss, person('U0ALICE', emergency), FIXTURE_NOW).ok).toBe(true);
  });

  test('a running rollback is stopped by approvers only (not by its requester), once', () => {
    const running = makeIncident({
      state: 'running',
      origin: 'command',
      requester: { id: 'U0CAROL' },
      approvals: [{ id: 'U0BOB', at: CREATED_AT }],
      execution: { steps: makeSteps({ undo: 'succeeded', 'wait-rollout': 'running', health: 'pending' }) },
    });
    expect(transition(running, EVENTS.cancel, person('U0CAROL', running), FIXTURE_NOW)).toMatchObject({
      ok: false,
      refusal: {
        reason: 'not_allowed',
        message: expect.stringMatching(/may stop this rollback of payments-api/),
      },
    });
    const asked = transition(running, EVENTS.cancel, person('U0ERIN', running), FIXTURE_NOW);
    expect(asked).toMatchObject({
      ok: true,
      audit: { action: 'rollback.cancel_requested', actor: { id: 'U0ERIN' } },
      next: { state: 'running', execution: { cancelRequested: { id: 'U0ERIN', at: FIXTURE_NOW } } },
    });
    if (!asked.ok) return;
    expect(transition(asked.next, EVENTS.cancel, person('U0BOB', asked.next), FIXTURE_NOW)).toMatchObject({
      ok: false,
      refusal: { reason: 'already_requested' },
    });
  });

  test('dismiss records who, why and the dismissal window; approve keeps the approval policy', () => {
    const incident = makeIncident();
    const d = transition(incident, EVENTS.dismiss, person('U0BOB', incident), FIXTURE_NOW);
    expect(d).toMatchObject({
      ok: true,
      next: {
        state: 'dismissed',
        closedBy: { id: 'U0BOB' },
        closeReason: 'false alarm',
        quietUntil: FIXTURE_NOW + 30 * 60_000,
      },
      audit: { action: 'proposal.dismissed', details: { reason: 'false alarm' } },
    });
    const approve = transition(incident, EVENTS.approve, person('U0CAROL', incident), FIXTURE_NOW);
    expect(approve).toMatchObject({ ok: false, refusal: { reason: 'not_approver' } });
    const mine = makeIncident({ origin: 'command', requester: { id: 'U0BOB' } });
    expect(transition(mine, EVENTS.approve, person('U0BOB', mine), FIXTURE_NOW)).toMatchObject({
      ok: false,
      refusal: { reason: 'requester_may_not_approve' },
    });
    expect(transition(incident, EVENTS.approve, person('U0BOB', incident), FIXTURE_NOW)).toMatchObject({
      ok: true,
      next: { state: 'approved', approvedAt: FIXTURE_NOW, approvals: [{ id: 'U0BOB' }] },
      audit: { action: 'approval.granted', details: { complete: true, from: 3, to: 2 } },
    });
  });

  test('expire waits for the TTL; a stop records in words what the run left behind', () => {
    const incident = makeIncident();
    expect(transition(incident, EVENTS.expire, bot, FIXTURE_NOW)).toMatchObject({
      ok: false,
      refusal: { reason: 'not_expired' },
    });
    expect(transition(incident, EVENTS.expire, bot, CREATED_AT + 2 * 3_600_000 + 1)).toMatchObject({
      ok: true,
      next: { state: 'expired', closeReason: 'no approval within 120 minutes' },
    });
    const stopped = inState('running');
    stopped.execution!.steps = makeSteps({
      undo: 'succeeded',
      'wait-rollout': 'succeeded',
      health: 'pending',
    });
    stopped.execution!.rolloutCompleteAt = FIXTURE_NOW - 1000;
    const d = transition(stopped, EVENTS.stop, bot, FIXTURE_NOW);
    expect(d).toMatchObject({
      ok: true,
      next: { state: 'cancelled', closedBy: { id: 'U0BOB' } },
      audit: {
        action: 'rollback.cancelled',
        actor: { type: 'user', id: 'U0BOB' },
        details: {
          stopped:
            'stopped after payments/payments-api was rolled back to revision 2 (1.4.2); verification did not run',
          next: "check payments-api by hand — the runbook's health did not run; it stays on revision 2 (1.4.2) until someone deploys again",
        },
      },
    });
  });

  test('README.md documents the same table', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(movesTable());
  });
});
