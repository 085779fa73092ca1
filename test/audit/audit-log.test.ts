import type { Redis } from 'ioredis';
import { AuditLog, GENESIS_HASH, hashRecord, type AuditEvent } from '../../src/audit/index.js';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryStore, type Store } from '../../src/store/index.js';
import { dropPrefix, testRedisStore } from '../helpers/redis.js';

const approve = (i: number): AuditEvent => ({
  action: 'approval.granted',
  actor: { type: 'user', id: `U${i}`, name: `user ${i}` },
  incidentId: `inc-${i % 3}`,
  service: i % 2 ? 'payments-api' : 'checkout',
  details: { n: i, when: new Date(0), nested: { b: 1, a: [1, undefined] } },
});

function suite(name: string, make: () => { store: Store; cleanup: () => Promise<void> }) {
  describe(`AuditLog on ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    beforeEach(() => ({ store, cleanup } = make()));
    afterEach(async () => cleanup());

    test('appends a hash chain: seq 1,2,3…, ISO time from the clock, each prevHash is the previous hash', async () => {
      const clock = new ManualClock(Date.parse('2026-03-01T14:02:11Z'));
      const log = new AuditLog(store, { clock });
      const a = await log.append({
        action: 'alert.received',
        actor: { type: 'system', name: 'alertmanager' },
        service: 'payments-api',
      });
      clock.advance(1000);
      const b = await log.append(approve(1));
      expect(a).toMatchObject({
        seq: 1,
        at: '2026-03-01T14:02:11.000Z',
        prevHash: GENESIS_HASH,
        details: {},
      });
      expect(b).toMatchObject({ seq: 2, at: '2026-03-01T14:02:12.000Z', prevHash: a.hash });
      expect(b.hash).toBe(hashRecord(b));
      expect(b.details).toEqual({ n: 1, when: '1970-01-01T00:00:00.000Z', nested: { b: 1, a: [1, null] } });
      expect(await log.read()).toEqual([a, b]);
      expect(await log.verify()).toEqual({ ok: true, checked: 2, from: 'start' });
    });

    test('20 concurrent writers (separate AuditLog instances, as replicas) produce one linear chain', async () => {
      const replicas = Array.from({ length: 4 }, () => new AuditLog(store));
      const records = await Promise.all(
        Array.from({ length: 20 }, (_, i) => replicas[i % 4]!.append(approve(i))),
      );
      expect(records.map((r) => r.seq).sort((x, y) => x - y)).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
      const stored = await replicas[0]!.read();
      expect(stored.map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      for (let i = 1; i < stored.length; i++) expect(stored[i]!.prevHash).toBe(stored[i - 1]!.hash);
      expect(await replicas[1]!.verify()).toMatchObject({ ok: true, checked: 20 });
    });

    test('read filters by since, service and incident, honours limit and pages through the stream', async () => {
      const clock = new ManualClock(Date.parse('2026-03-01T00:00:00Z'));
      const log = new AuditLog(store, { clock });
      for (let i = 0; i < 1100; i++) {
        await log.append(approve(i));
        clock.advance(60_000);
      }
      expect(await log.read()).toHaveLength(1100);
      const since = await log.read({ since: '2026-03-01T10:00:00Z' });
      expect(since[0]!.seq).toBe(601);
      expect(since).toHaveLength(500);
      expect(
        await log.read({ since: new Date('2026-03-01T10:00:00Z'), service: 'checkout', incidentId: 'inc-0' }),
      ).toHaveLength(since.filter((r) => r.service === 'checkout' && r.incidentId === 'inc-0').length);
      expect((await log.read({ service: 'payments-api', limit: 3 })).map((r) => r.seq)).toEqual([2, 4, 6]);
    });
  });
}

suite('memory', () => ({ store: new MemoryStore(), cleanup: async () => undefined }));
suite('redis', () => {
  const { store, redis, prefix } = testRedisStore();
  return { store, cleanup: () => cleanupRedis(redis, prefix) };
});

async function cleanupRedis(redis: Redis, prefix: string) {
  await dropPrefix(redis, prefix);
  await redis.quit();
}
