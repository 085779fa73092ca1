/**
 * transitions.ts on real Redis: the audit record is written before the change (a failing audit
 * changes nothing); a pending approval (its audit write in flight) is not runnable by the executor
 * sweep; a lock left by a dead holder is applied when its record exists and dropped when not;
 * racing movers on two "replicas" get exactly one winner and a refusal for the other.
 */
import { AuditLog } from '../../src/audit/audit-log.js';
import { RollbotError } from '../../src/core/errors.js';
import { systemClock } from '../../src/core/clock.js';
import type { Actor } from '../../src/incidents/lifecycle.js';
import type { AuditSink } from '../../src/incidents/ports.js';
import { IncidentRepository } from '../../src/incidents/repository.js';
import { LOCK_STALE_MS, Transitions } from '../../src/incidents/transitions.js';
import { createLogger, memoryDestination } from '../../src/log/logger.js';
import type { RedisStore } from '../../src/store/index.js';
import { CREATED_AT, makeIncident } from '../helpers/incidents.js';
import { dropPrefix, testRedisStore } from '../helpers/redis.js';
import type { Redis } from 'ioredis';

const log = createLogger({ level: 'silent', destination: memoryDestination() });
const facts = { now: CREATED_AT + 60_000, groupMembers: { S0SRE: ['U0ERIN'] }, cooldown: null };
const clock = { ...systemClock, now: () => CREATED_AT + 60_000 };
const approver = (id: string): Actor => ({ kind: 'person', person: { id }, roles: ['approver'] });

let store: RedisStore;
let redis: Redis;
let prefix: string;
let repo: IncidentRepository;
let audit: AuditLog;
beforeEach(() => {
  ({ store, redis, prefix } = testRedisStore());
  repo = new IncidentRepository(store, clock);
  audit = new AuditLog(store, { clock, log });
});
afterEach(async () => {
  await dropPrefix(redis, prefix);
  redis.disconnect();
});

async function proposed() {
  const incident = makeIncident({ id: `inc-${Math.random().toString(16).slice(2, 8)}` });
  await repo.createIfNoneOpen(incident);
  return incident;
}

test('the audit record comes first: when it cannot be written nothing changes and the lock is gone', async () => {
  const incident = await proposed();
  const down: AuditSink = {
    append: async () => Promise.reject(new RollbotError('store_unavailable', 'audit stream unreachable')),
    read: async () => [],
  };
  const res = await new Transitions({ repo, audit: down, clock, log }).apply(
    incident.id,
    { type: 'approve', facts },
    approver('U0BOB'),
  );
  expect(res).toMatchObject({ ok: false, refusal: { reason: 'audit_unavailable' } });
  const after = await repo.require(incident.id);
  expect(after).toMatchObject({ state: 'proposed', approvals: [] });
  expect(after.lock).toBeUndefined();
});

test('while the approval is being audited it is not approved: the executor sweep cannot see it', async () => {
  const incident = await proposed();
  let release!: () => void;
  const auditing = new Promise<void>((r) => (release = r));
  let started!: () => void;
  const appendStarted = new Promise<void>((r) => (started = r));
  const slow: AuditSink = {
    append: async (e) => {
      started();
      await auditing;
      return audit.append(e as never);
    },
    read: (f) => audit.read(f),
  };
  const approving = new Transitions({ repo, audit: slow, clock, log }).apply(
    incident.id,
    { type: 'approve', facts },
    approver('U0BOB'),
  );
  await appendStarted;
  const pending = await repo.require(incident.id);
  expect(pending.state).toBe('proposed');
  expect(pending.lock).toMatchObject({ event: 'approve', audit: { action: 'approval.granted' } });
  // What the executor sweep runs: approved or running incidents. A pending approval is neither.
  expect((await repo.active()).filter((i) => ['approved', 'running'].includes(i.state))).toEqual([]);
  release();
  expect(await approving).toMatchObject({ ok: true, incident: { state: 'approved' } });
  const [record] = (await audit.read({ incidentId: incident.id })).filter(
    (r) => r.action === 'approval.granted',
  );
  expect(record!.details['transition']).toBe((await repo.require(incident.id)).lastTransition);
});

test('a lock whose holder died is applied if its audit record exists, dropped if it does not', async () => {
  const transitions = new Transitions({ repo, audit, clock, log });
  for (const landed of [true, false]) {
    const incident = await proposed();
    const lock = {
      id: `tr-dead${landed ? '1' : '0'}`,
      at: clock.now() - LOCK_STALE_MS - 1,
      event: 'dismiss',
      changes: { state: 'dismissed' as const, closedBy: { id: 'U0BOB' } },
      audit: { action: 'proposal.dismissed', actor: { type: 'user' as const, id: 'U0BOB' }, details: {} },
    };
    await repo.update(incident.id, (cur) => ({ ...cur, lock }));
    if (landed)
      await audit.append({
        action: 'proposal.dismissed',
        actor: { type: 'user', id: 'U0BOB' },
        incidentId: incident.id,
        details: { transition: lock.id },
      });
    // The next mover meets the stale lock, resolves it, then decides on the result.
    const next = await transitions.apply(incident.id, { type: 'approve', facts }, approver('U0ERIN'));
    const stored = await repo.require(incident.id);
    expect(stored.lock).toBeUndefined();
    if (landed) {
      expect(stored).toMatchObject({ state: 'dismissed', lastTransition: lock.id });
      expect(next).toMatchObject({ ok: false, refusal: { reason: 'not_proposed' } });
    } else {
      expect(stored.state).toBe('approved');
      expect(next.ok).toBe(true);
    }
    await repo.update(incident.id, (cur) => ({ ...cur, state: 'expired' }));
  }
});

test('two replicas: a Dismiss racing an Approve on the same proposal, many times: exactly one wins each time', async () => {
  // Two repositories over two Redis connections, as two replicas have.
  const other = testRedisStore();
  const otherStore = new (store.constructor as new (r: Redis, p: string) => RedisStore)(other.redis, prefix);
  const a = new Transitions({ repo, audit, clock, log });
  const b = new Transitions({
    repo: new IncidentRepository(otherStore, clock),
    audit: new AuditLog(otherStore, { clock, log }),
    clock,
    log,
  });
  try {
    for (let round = 0; round < 20; round++) {
      const incident = await proposed();
      const [approve, dismiss] = await Promise.all([
        a.apply(incident.id, { type: 'approve', facts }, approver('U0BOB')),
        b.apply(incident.id, { type: 'dismiss' }, approver('U0ERIN')),
      ]);
      expect([approve.ok, dismiss.ok].filter(Boolean)).toHaveLength(1);
      const loser = approve.ok ? dismiss : approve;
      expect(loser.ok).toBe(false);
      if (!loser.ok)
        expect(loser.refusal.message).toMatch(
          approve.ok ? /Already approved by <@U0BOB>/ : /dismissed by <@U0ERIN>/,
        );
      const stored = await repo.require(incident.id);
      expect(stored.state).toBe(approve.ok ? 'approved' : 'dismissed');
      const actions = (await audit.read({ incidentId: incident.id })).map((r) => r.action);
      expect(actions.filter((x) => x === 'approval.granted' || x === 'proposal.dismissed')).toHaveLength(1);
      expect(actions.filter((x) => x === 'approval.refused' || x === 'dismissal.refused')).toHaveLength(1);
      await repo.update(incident.id, (cur) => ({ ...cur, state: 'expired' }));
    }
  } finally {
    other.redis.disconnect();
  }
});
