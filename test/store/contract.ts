/**
 * The contract every Store implementation must keep; test/store/contract.test.ts runs it against
 * memory and the test Redis, test/store/topologies.test.ts against a real Redis Cluster and Sentinel.
 */
import type { Store } from '../../src/store/index.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function storeContract(name: string, make: () => { store: Store; cleanup: () => Promise<void> }) {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    beforeEach(() => ({ store, cleanup } = make()));
    afterEach(async () => cleanup());

    test('values: get/set/del, ifAbsent, TTL expiry', async () => {
      expect(await store.get('a')).toBeNull();
      expect(await store.set('a', '1')).toBe(true);
      expect(await store.get('a')).toBe('1');
      expect(await store.set('a', '2', { ifAbsent: true })).toBe(false);
      expect(await store.get('a')).toBe('1');
      await store.del('a');
      expect(await store.get('a')).toBeNull();
      await store.set('t', 'x', { ttlMs: 60 });
      expect(await store.get('t')).toBe('x');
      await sleep(120);
      expect(await store.get('t')).toBeNull();
    });

    test('compare-and-set: expected null means absent; mismatch loses', async () => {
      expect(await store.compareAndSet('k', null, 'v1')).toBe(true);
      expect(await store.compareAndSet('k', null, 'v2')).toBe(false);
      expect(await store.compareAndSet('k', 'nope', 'v2')).toBe(false);
      expect(await store.compareAndSet('k', 'v1', 'v2')).toBe(true);
      expect(await store.get('k')).toBe('v2');
    });

    test('among 50 concurrent compare-and-set racers exactly one wins', async () => {
      await store.set('state', 'proposed');
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => store.compareAndSet('state', 'proposed', `approved-by-${i}`)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      expect(await store.get('state')).toBe(`approved-by-${winner}`);
    });

    test('incr counts atomically', async () => {
      await Promise.all(Array.from({ length: 20 }, () => store.incr('n')));
      expect(await store.incr('n', { by: 5 })).toBe(25);
    });

    test('sets', async () => {
      await store.addToSet('s', 'a');
      await store.addToSet('s', 'b');
      await store.addToSet('s', 'a');
      expect((await store.setMembers('s')).sort()).toEqual(['a', 'b']);
      await store.removeFromSet('s', 'a');
      expect(await store.setMembers('s')).toEqual(['b']);
    });

    test('a lease held by a dead owner is taken over only after it expires', async () => {
      const first = await store.acquireLease('svc', 'replica-a', 300);
      expect(first.acquired).toBe(true);
      const early = await store.acquireLease('svc', 'replica-b', 300);
      expect(early).toMatchObject({ acquired: false, holder: { owner: 'replica-a' } });
      if (!early.acquired) expect(early.holder.expiresAt).toBeGreaterThan(Date.now());
      expect(await store.renewLease('svc', 'replica-b', 300)).toBe(false);
      expect(await store.releaseLease('svc', 'replica-b')).toBe(false);
      // replica-a "dies": no renewals. Before expiry, still refused; after, taken over.
      await sleep(100);
      expect((await store.acquireLease('svc', 'replica-b', 300)).acquired).toBe(false);
      await sleep(300);
      const late = await store.acquireLease('svc', 'replica-b', 300);
      expect(late.acquired).toBe(true);
      expect(await store.renewLease('svc', 'replica-a', 300)).toBe(false);
      expect((await store.getLease('svc'))?.owner).toBe('replica-b');
    });

    test('a renewed lease outlives its first TTL; release frees it', async () => {
      // 900 ms steps against a 1.5 s TTL: each check has 600 ms to spare on a busy machine.
      await store.acquireLease('svc', 'a', 1_500);
      await sleep(900);
      expect(await store.renewLease('svc', 'a', 1_500)).toBe(true);
      await sleep(900); // past the first TTL, inside the renewed one
      expect((await store.acquireLease('svc', 'b', 1_500)).acquired).toBe(false);
      expect(await store.releaseLease('svc', 'a')).toBe(true);
      expect((await store.acquireLease('svc', 'b', 1_500)).acquired).toBe(true);
    });

    test('stream entries come back in order; range after, count, last, trim', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 30; i++) ids.push((await store.append('log', { n: String(i) }))!);
      const all = await store.range('log');
      expect(all.map((e) => e.fields.n)).toEqual(Array.from({ length: 30 }, (_, i) => String(i)));
      expect(all.map((e) => e.id)).toEqual(ids);
      expect((await store.range('log', { after: ids[9]!, count: 5 })).map((e) => e.fields.n)).toEqual([
        '10',
        '11',
        '12',
        '13',
        '14',
      ]);
      expect((await store.lastEntry('log'))?.fields.n).toBe('29');
      expect(await store.trimBefore('log', ids[10]!)).toBe(10);
      expect((await store.range('log'))[0]?.fields.n).toBe('10');
    });

    test('conditional append keeps a stream linear under concurrent writers', async () => {
      expect(await store.append('chain', { n: 'x' }, { expectLastId: 'bogus' })).toBeNull();
      const first = await store.append('chain', { n: '0' }, { expectLastId: null });
      expect(first).not.toBeNull();
      expect(await store.append('chain', { n: 'y' }, { expectLastId: null })).toBeNull();
      const racers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.append('chain', { n: String(i) }, { expectLastId: first }),
        ),
      );
      expect(racers.filter((r) => r !== null)).toHaveLength(1);
      expect(await store.range('chain')).toHaveLength(2);
    });
  });
}
