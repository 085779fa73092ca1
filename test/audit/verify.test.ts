import type { Redis } from 'ioredis';
import { AuditLog, hashRecord } from '../../src/audit/index.js';
import { ManualClock } from '../../src/core/clock.js';
import type { RedisStore } from '../../src/store/index.js';
import { dropPrefix, testRedisStore } from '../helpers/redis.js';
import { deleteEntry, editField, idOfSeq, swapEntries } from './tamper.js';

/** Tampering straight in Redis, as someone with access to it would; verify must name the first bad entry. */
describe('AuditLog.verify on tampered Redis streams', () => {
  let store: RedisStore;
  let redis: Redis;
  let prefix: string;
  let log: AuditLog;
  let key: string;

  beforeEach(async () => {
    ({ store, redis, prefix } = testRedisStore());
    key = `${prefix}audit`;
    const clock = new ManualClock(Date.parse('2026-03-01T14:00:00Z'));
    log = new AuditLog(store, { clock });
    for (let i = 1; i <= 10; i++) {
      await log.append({
        action: i % 2 ? 'step.succeeded' : 'step.started',
        actor: { type: 'system', name: 'executor' },
        incidentId: 'inc-42',
        service: 'payments-api',
        details: { step: `s${i}`, note: 'a "quoted", text' },
      });
      clock.advance(1000);
    }
  });
  afterEach(async () => {
    await dropPrefix(redis, prefix);
    await redis.quit();
  });

  test('an untouched log verifies', async () => {
    expect(await log.verify()).toEqual({ ok: true, checked: 10, from: 'start' });
  });

  test('an altered entry is named: its hash no longer matches its content', async () => {
    await editField(redis, key, 7, 'actor', JSON.stringify({ type: 'user', id: 'U0MALLORY' }));
    const id = await idOfSeq(redis, key, 7);
    expect(await log.verify()).toEqual({
      ok: false,
      checked: 6,
      problem: 'altered',
      seq: 7,
      id,
      message: `entry seq 7 (id ${id}) was altered: its hash does not match its content`,
    });
  });

  test('an altered and re-hashed entry is caught by the next link', async () => {
    const rows = await log.read();
    const seven = rows[6]!;
    const forged = { ...seven, details: { step: 'forged' } };
    await editField(redis, key, 7, 'details', JSON.stringify(forged.details));
    await editField(redis, key, 7, 'hash', hashRecord(forged));
    const result = await log.verify();
    expect(result).toMatchObject({ ok: false, problem: 'altered', seq: 7, id: seven.id });
    expect(!result.ok && result.message).toMatch(/entry seq 8 .* no longer links to it/);
  });

  test('a deleted entry shows as missing', async () => {
    await deleteEntry(redis, key, 4);
    const next = await idOfSeq(redis, key, 5);
    const result = await log.verify();
    expect(result).toMatchObject({ ok: false, checked: 3, problem: 'missing', seq: 4, id: next });
    expect(!result.ok && result.message).toMatch(
      /^entry seq 4 is missing: entry seq 5 \(id .*\) directly follows seq 3/,
    );
  });

  test('deleting the first entry is caught too', async () => {
    await deleteEntry(redis, key, 1);
    expect(await log.verify()).toMatchObject({ ok: false, problem: 'missing', seq: 1 });
  });

  test('swapped entries show as reordered', async () => {
    await swapEntries(redis, key, 5, 6);
    const result = await log.verify();
    expect(result).toMatchObject({ ok: false, checked: 4, problem: 'reordered', seq: 6 });
    expect(!result.ok && result.message).toMatch(
      /^entry seq 6 \(id .*\) is out of order: it comes before seq 5/,
    );
  });

  test('a foreign entry without the audit fields is malformed', async () => {
    await redis.xadd(key, '*', 'hello', 'world');
    expect(await log.verify()).toMatchObject({ ok: false, checked: 10, problem: 'malformed', seq: 11 });
    // read() skips it; append refuses, since a record cannot chain onto an entry without seq and hash.
    expect(await log.read()).toHaveLength(10);
    await expect(log.append({ action: 'alert.received', actor: { type: 'system' } })).rejects.toMatchObject({
      code: 'store_unavailable',
    });
  });
});
