import { Redis, type Cluster } from 'ioredis';
import { RollbotError } from '../core/errors.js';
import type { LeaseInfo, LeaseResult, SetOptions, Store, StreamEntry } from './store.js';

/**
 * The production store: one ioredis client (plain URL, Sentinel or Cluster — see createRedisClient).
 * Every multi-step operation is one Lua script, so replicas sharing the Redis see it atomically.
 * Keys are prefixed (`rollbot:` by default); tests use a unique prefix per run.
 */
const CAS = `
local cur = redis.call('GET', KEYS[1])
if (ARGV[1] == '1' and cur ~= false) or (ARGV[1] == '0' and cur ~= ARGV[2]) then return 0 end
if tonumber(ARGV[4]) > 0 then redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4]) else redis.call('SET', KEYS[1], ARGV[3]) end
return 1`;

// Lease value: "<owner>"; expiry is the key's PTTL. Returns {1, owner, pttl} or {0, holder, pttl}.
const ACQUIRE = `
local ok = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])
if ok then return {1, ARGV[1], tonumber(ARGV[2])} end
return {0, redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[1])}`;

const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
return 0`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) return 1 end
return 0`;

// Append only if the newest entry is ARGV[1] ('' = stream must be empty; '*' = no check).
const APPEND = `
if ARGV[1] ~= '*' then
  local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
  local lastId = ''
  if #last > 0 then lastId = last[1][1] end
  if lastId ~= ARGV[1] then return false end
end
return redis.call('XADD', KEYS[1], '*', unpack(ARGV, 2))`;

const INCR = `
local v = redis.call('INCRBY', KEYS[1], ARGV[1])
if v == tonumber(ARGV[1]) and tonumber(ARGV[2]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return v`;

function toEntry([id, flat]: [string, string[]]): StreamEntry {
  const fields: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
  return { id, fields };
}

/**
 * Every operation answers within this long. A plain client fails queued commands after its
 * reconnect attempts, but a Cluster client keeps them in its offline queue for as long as no node
 * answers; an approval must be refused, not left hanging (see redis-client.ts).
 */
const OPERATION_TIMEOUT_MS = 6_000;

export class RedisStore implements Store {
  constructor(
    private readonly redis: Redis | Cluster,
    private readonly prefix = 'rollbot:',
    private readonly timeoutMs = OPERATION_TIMEOUT_MS,
  ) {}

  private k(key: string): string {
    // Cluster: a hash tag would pin all keys to one slot; rollbot's scripts touch one key each.
    return this.prefix + key;
  }

  private async run<T>(op: string, fn: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${this.timeoutMs} ms (${this.redis.status})`)),
        this.timeoutMs,
      );
    });
    try {
      return await Promise.race([fn(), deadline]);
    } catch (err) {
      throw new RollbotError('store_unavailable', `Redis ${op} failed: ${(err as Error).message}`, {
        hint: 'check that Redis is reachable (REDIS_URL) and accepts writes; /readyz shows the state',
        cause: err,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  get(key: string) {
    return this.run('GET', () => this.redis.get(this.k(key)));
  }

  set(key: string, value: string, opts: SetOptions = {}) {
    return this.run('SET', async () => {
      const args: (string | number)[] = [];
      if (opts.ttlMs) args.push('PX', opts.ttlMs);
      if (opts.ifAbsent) args.push('NX');
      const res = await (this.redis as Redis).call('SET', this.k(key), value, ...args);
      return res === 'OK';
    });
  }

  async del(key: string) {
    await this.run('DEL', () => this.redis.del(this.k(key)));
  }

  compareAndSet(key: string, expected: string | null, next: string, opts: { ttlMs?: number } = {}) {
    return this.run('CAS', async () => {
      const res = await this.redis.eval(
        CAS,
        1,
        this.k(key),
        expected === null ? '1' : '0',
        expected ?? '',
        next,
        opts.ttlMs ?? 0,
      );
      return res === 1;
    });
  }

  incr(key: string, opts: { by?: number; ttlMs?: number } = {}) {
    return this.run('INCR', async () =>
      Number(await this.redis.eval(INCR, 1, this.k(key), opts.by ?? 1, opts.ttlMs ?? 0)),
    );
  }

  async addToSet(key: string, member: string) {
    await this.run('SADD', () => this.redis.sadd(this.k(key), member));
  }

  async removeFromSet(key: string, member: string) {
    await this.run('SREM', () => this.redis.srem(this.k(key), member));
  }

  setMembers(key: string) {
    return this.run('SMEMBERS', () => this.redis.smembers(this.k(key)));
  }

  acquireLease(name: string, owner: string, ttlMs: number): Promise<LeaseResult> {
    return this.run('lease acquire', async () => {
      const [won, holder, pttl] = (await this.redis.eval(
        ACQUIRE,
        1,
        this.k(`lease:${name}`),
        owner,
        ttlMs,
      )) as [number, string, number];
      const info: LeaseInfo = { owner: holder, expiresAt: Date.now() + Math.max(0, pttl) };
      return won === 1 ? { acquired: true, lease: info } : { acquired: false, holder: info };
    });
  }

  renewLease(name: string, owner: string, ttlMs: number) {
    return this.run(
      'lease renew',
      async () => (await this.redis.eval(RENEW, 1, this.k(`lease:${name}`), owner, ttlMs)) === 1,
    );
  }

  releaseLease(name: string, owner: string) {
    return this.run(
      'lease release',
      async () => (await this.redis.eval(RELEASE, 1, this.k(`lease:${name}`), owner)) === 1,
    );
  }

  getLease(name: string) {
    return this.run('lease get', async () => {
      const key = this.k(`lease:${name}`);
      const [owner, pttl] = await Promise.all([this.redis.get(key), this.redis.pttl(key)]);
      return owner === null || pttl < 0 ? null : { owner, expiresAt: Date.now() + pttl };
    });
  }

  append(stream: string, fields: Record<string, string>, opts: { expectLastId?: string | null } = {}) {
    return this.run('XADD', async () => {
      const expect = opts.expectLastId === undefined ? '*' : (opts.expectLastId ?? '');
      const flat = Object.entries(fields).flat();
      const id = await this.redis.eval(APPEND, 1, this.k(stream), expect, ...flat);
      return (id as string | null) ?? null;
    });
  }

  range(stream: string, opts: { after?: string; count?: number } = {}) {
    return this.run('XRANGE', async () => {
      const start = opts.after ? `(${opts.after}` : '-';
      const rows = opts.count
        ? await this.redis.xrange(this.k(stream), start, '+', 'COUNT', opts.count)
        : await this.redis.xrange(this.k(stream), start, '+');
      return rows.map(toEntry);
    });
  }

  lastEntry(stream: string) {
    return this.run('XREVRANGE', async () => {
      const rows = await this.redis.xrevrange(this.k(stream), '+', '-', 'COUNT', 1);
      return rows.length ? toEntry(rows[0]!) : null;
    });
  }

  trimBefore(stream: string, beforeId: string) {
    return this.run('XTRIM', () => this.redis.xtrim(this.k(stream), 'MINID', beforeId));
  }

  async ping() {
    await this.run('PING', () => this.redis.ping());
  }

  async close() {
    // QUIT waits for the server; a client that never connected (or a Cluster with no node up)
    // would wait forever, so give it a moment and then drop the sockets.
    let timer: NodeJS.Timeout | undefined;
    const giveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, 1_000)));
    try {
      await Promise.race([this.redis.quit(), giveUp]);
    } catch {
      // QUIT failed (connection already gone): disconnect below closes whatever is left
    } finally {
      clearTimeout(timer);
      this.redis.disconnect();
    }
  }
}
