/**
 * The incident repository's compare-and-set, tested deterministically: two updates are
 * interleaved so the second one reads, writes and finishes while the first one holds a stale copy
 * between its read and its write. Only a compare-and-set notices; a plain SET in its place loses
 * the second update every time (planted and seen failing when this test was written).
 */
import { systemClock } from '../../src/core/clock.js';
import { IncidentRepository } from '../../src/incidents/repository.js';
import { MemoryStore, type Store } from '../../src/store/index.js';
import { makeIncident } from '../helpers/incidents.js';
import { dropPrefix, testRedisStore } from '../helpers/redis.js';

/**
 * A store that holds the first write (set or compare-and-set) to an incident document until
 * released: the writer has read the document and decided, and now waits with a stale copy.
 */
function holdFirstWrite(inner: Store) {
  let armed = false;
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let markHeld!: () => void;
  const held = new Promise<void>((r) => (markHeld = r));
  const gate = async (key: string) => {
    if (!armed || !key.startsWith('incident:')) return;
    armed = false;
    markHeld();
    await released;
  };
  const store: Store = Object.create(inner);
  store.set = async (key, value, opts) => (await gate(key), inner.set(key, value, opts));
  store.compareAndSet = async (key, expected, next, opts) => (
    await gate(key),
    inner.compareAndSet(key, expected, next, opts)
  );
  return { store, arm: () => (armed = true), held, release };
}

for (const backend of ['memory', 'redis'] as const) {
  describe(`IncidentRepository.update on ${backend}`, () => {
    let inner: Store;
    let cleanup: () => Promise<void>;
    beforeEach(() => {
      if (backend === 'memory') {
        inner = new MemoryStore();
        cleanup = async () => undefined;
      } else {
        const { store, redis, prefix } = testRedisStore();
        inner = store;
        cleanup = async () => {
          await dropPrefix(redis, prefix);
          redis.disconnect();
        };
      }
    });
    afterEach(async () => cleanup());

    test('an update that read the document before another one wrote it is re-applied, never lost', async () => {
      const gated = holdFirstWrite(inner);
      const repo = new IncidentRepository(gated.store, systemClock);
      const incident = makeIncident();
      await repo.createIfNoneOpen(incident);

      gated.arm();
      // First writer: reads, decides (an approval), then waits before its write.
      const approving = repo.update(incident.id, (cur) => {
        cur.approvals.push({ id: 'U0BOB', at: 1 });
        return cur;
      });
      await gated.held;
      // Second writer: reads, writes and finishes meanwhile (more alerts joined).
      const joined = await repo.update(incident.id, (cur) => {
        cur.alerts!.deliveries += 10;
        return cur;
      });
      expect(joined.incident.alerts!.deliveries).toBe(14);
      gated.release();
      await approving;

      const stored = await repo.require(incident.id);
      expect(stored.approvals.map((a) => a.id)).toEqual(['U0BOB']);
      expect(stored.alerts!.deliveries).toBe(14); // a plain SET would have put back 4
    });
  });
}
