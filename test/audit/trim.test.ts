import type { Redis } from 'ioredis';
import { AuditLog } from '../../src/audit/index.js';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryStore, type RedisStore } from '../../src/store/index.js';
import { dropPrefix, testRedisStore } from '../helpers/redis.js';
import { deleteEntry, editField } from './tamper.js';

const DAY = 86_400_000;

async function fill(log: AuditLog, clock: ManualClock, n: number) {
  for (let i = 0; i < n; i++) {
    await log.append({
      action: 'step.succeeded',
      actor: { type: 'system' },
      service: 'payments-api',
      details: { i },
    });
    clock.advance(DAY);
  }
}

describe('AuditLog.trim with a checkpoint (Redis)', () => {
  let store: RedisStore;
  let redis: Redis;
  let prefix: string;
  let clock: ManualClock;
  let log: AuditLog;

  beforeEach(() => {
    ({ store, redis, prefix } = testRedisStore());
    clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
    log = new AuditLog(store, { clock });
  });
  afterEach(async () => {
    await dropPrefix(redis, prefix);
    await redis.quit();
  });

  test('removes entries older than the cut, records the checkpoint, and verify still passes', async () => {
    await fill(log, clock, 10); // seq 1..10 at day 0..9; now = day 10
    const before = await log.read();
    const result = await log.trim({ olderThan: 5 * DAY }); // now = day 10: keeps days 5..9 (seq 6..10)
    expect(result.removed).toBe(5);
    expect(result.checkpoint).toMatchObject({ seq: 5, id: before[4]!.id, hash: before[4]!.hash });
    expect(result.record).toMatchObject({
      seq: 11,
      action: 'audit.trimmed',
      details: { removed: 5, checkpoint: { seq: 5 } },
    });
    expect(JSON.parse((await redis.get(`${prefix}audit:checkpoint`))!)).toMatchObject({
      seq: 5,
      hash: before[4]!.hash,
    });

    const after = await log.read();
    expect(after.map((r) => r.seq)).toEqual([6, 7, 8, 9, 10, 11]);
    expect(after[0]!.prevHash).toBe(result.checkpoint!.hash);
    expect(await log.verify()).toEqual({ ok: true, checked: 6, from: result.checkpoint });

    // The chain goes on from there, and a second trim works from the first checkpoint.
    await fill(log, clock, 2);
    const second = await log.trim({ keepLast: 2 });
    expect(second.checkpoint).toMatchObject({ seq: 11 });
    expect((await log.read()).map((r) => r.seq)).toEqual([12, 13, 14]);
    expect(await log.verify()).toMatchObject({ ok: true, checked: 3 });
  });

  test('tampering after a trim is still caught', async () => {
    await fill(log, clock, 10);
    await log.trim({ keepLast: 4 });
    await editField(redis, `${prefix}audit`, 8, 'service', 'checkout');
    expect(await log.verify()).toMatchObject({ ok: false, problem: 'altered', seq: 8 });
  });

  test('deleting the first entry after the checkpoint is caught', async () => {
    await fill(log, clock, 10);
    await log.trim({ keepLast: 4 });
    await deleteEntry(redis, `${prefix}audit`, 7);
    expect(await log.verify()).toMatchObject({ ok: false, problem: 'missing', seq: 7 });
  });

  test('a checkpoint moved forward by hand (hiding history) is caught', async () => {
    await fill(log, clock, 10);
    await log.trim({ keepLast: 6 }); // checkpoint seq 4
    const rows = await log.read();
    const fake = rows.find((r) => r.seq === 7)!;
    await redis.set(`${prefix}audit:checkpoint`, JSON.stringify({ seq: 7, id: fake.id, hash: fake.hash }));
    expect(await log.verify()).toMatchObject({ ok: false, problem: 'altered', seq: 7 });
  });

  test('a checkpoint that is not JSON is reported as malformed', async () => {
    await fill(log, clock, 3);
    await redis.set(`${prefix}audit:checkpoint`, 'garbage');
    expect(await log.verify()).toMatchObject({ ok: false, problem: 'malformed', checked: 0 });
  });

  test('refuses to trim a damaged log, and does nothing when there is nothing old enough', async () => {
    await fill(log, clock, 5);
    expect(await log.trim({ olderThan: 90 * DAY })).toEqual({ removed: 0, checkpoint: null });
    await deleteEntry(redis, `${prefix}audit`, 2);
    await expect(log.trim({ keepLast: 1 })).rejects.toMatchObject({ code: 'conflict' });
    expect(await redis.xlen(`${prefix}audit`)).toBe(4);
  });

  test('append after everything was trimmed continues from the checkpoint (memory store)', async () => {
    const mem = new MemoryStore(clock);
    const mlog = new AuditLog(mem, { clock });
    await fill(mlog, clock, 3);
    await mlog.trim({ keepLast: 0 });
    await mem.trimBefore('audit', '99999999999999-0'); // an operator empties the stream entirely
    const next = await mlog.append({ action: 'alert.received', actor: { type: 'system' } });
    expect(next).toMatchObject({ seq: 4 }); // seq 4 was audit.trimmed; stream empty → chains on the checkpoint (seq 3)
  });
});
