import { AuditLog } from '../../src/audit/index.js';
import { RollbotError } from '../../src/core/errors.js';
import { RedisStore, createRedisClient } from '../../src/store/index.js';
import { testRedisStore } from '../helpers/redis.js';

/** Invariant 1: when the record cannot be written, append throws, so the caller does not act. */
describe('AuditLog.append when Redis is unavailable', () => {
  test('a port nobody listens on → store_unavailable with an operator message', async () => {
    const redis = createRedisClient({ url: 'redis://127.0.0.1:1' });
    redis.on('error', () => undefined);
    const log = new AuditLog(new RedisStore(redis, 'nowhere:'));
    let acted = false;
    try {
      await log.append({
        action: 'approval.granted',
        actor: { type: 'user', id: 'U0BOB' },
        incidentId: 'inc-1',
      });
      acted = true;
    } catch (err) {
      expect(err).toBeInstanceOf(RollbotError);
      const e = err as RollbotError;
      expect(e.code).toBe('store_unavailable');
      expect(e.message).toMatch(
        /^The audit record for approval\.granted could not be written \(Redis .* failed: .*\); nothing was done$/,
      );
      expect(e.operatorMessage).toMatch(/check that Redis is reachable/);
    } finally {
      redis.disconnect();
    }
    expect(acted).toBe(false);
  });

  test('a client that was disconnected → store_unavailable', async () => {
    const { store, redis } = testRedisStore();
    const log = new AuditLog(store);
    redis.disconnect();
    await expect(
      log.append({ action: 'rollback.requested', actor: { type: 'user', id: 'U1' } }),
    ).rejects.toMatchObject({
      code: 'store_unavailable',
    });
  });

  test('other writers winning every race for too long → store_unavailable, not a silent drop', async () => {
    const { store } = testRedisStore();
    // A store whose conditional append always loses, as if another replica always got there first.
    const losing = Object.assign(Object.create(store) as RedisStore, { append: async () => null });
    const log = new AuditLog(losing, { maxAttempts: 3 });
    await expect(log.append({ action: 'alert.received', actor: { type: 'system' } })).rejects.toMatchObject({
      code: 'store_unavailable',
      message: expect.stringMatching(/gave up after 3 attempts/),
    });
    await store.close();
  });
});
