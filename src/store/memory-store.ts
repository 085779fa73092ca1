import { type Clock, systemClock } from '../core/clock.js';
import type { LeaseInfo, LeaseResult, SetOptions, Store, StreamEntry } from './store.js';

/**
 * The sandbox/demo store: the same contract as Redis in one process. Single-threaded JavaScript
 * makes each method atomic as long as it does not await in the middle, which none do.
 */
export class MemoryStore implements Store {
  private values = new Map<string, { value: string; expiresAt?: number }>();
  private sets = new Map<string, Set<string>>();
  private streams = new Map<string, StreamEntry[]>();
  private lastStreamMs = 0;
  private lastStreamSeq = 0;

  constructor(private readonly clock: Clock = systemClock) {}

  private live(key: string) {
    const v = this.values.get(key);
    if (v && v.expiresAt !== undefined && v.expiresAt <= this.clock.now()) {
      this.values.delete(key);
      return undefined;
    }
    return v;
  }

  private put(key: string, value: string, ttlMs?: number) {
    this.values.set(key, ttlMs ? { value, expiresAt: this.clock.now() + ttlMs } : { value });
  }

  async get(key: string) {
    return this.live(key)?.value ?? null;
  }

  async set(key: string, value: string, opts: SetOptions = {}) {
    if (opts.ifAbsent && this.live(key)) return false;
    this.put(key, value, opts.ttlMs);
    return true;
  }

  async del(key: string) {
    this.values.delete(key);
  }

  async compareAndSet(key: string, expected: string | null, next: string, opts: { ttlMs?: number } = {}) {
    const cur = this.live(key)?.value ?? null;
    if (cur !== expected) return false;
    this.put(key, next, opts.ttlMs);
    return true;
  }

  async incr(key: string, opts: { by?: number; ttlMs?: number } = {}) {
    const cur = this.live(key);
    const next = Number(cur?.value ?? 0) + (opts.by ?? 1);
    if (cur) cur.value = String(next);
    else this.put(key, String(next), opts.ttlMs);
    return next;
  }

  async addToSet(key: string, member: string) {
    if (!this.sets.has(key)) this.sets.set(key, new Set());
    this.sets.get(key)!.add(member);
  }

  async removeFromSet(key: string, member: string) {
    this.sets.get(key)?.delete(member);
  }

  async setMembers(key: string) {
    return [...(this.sets.get(key) ?? [])];
  }

  private leaseInfo(name: string): LeaseInfo | null {
    const v = this.live(`lease:${name}`);
    return v ? { owner: v.value, expiresAt: v.expiresAt! } : null;
  }

  async acquireLease(name: string, owner: string, ttlMs: number): Promise<LeaseResult> {
    const holder = this.leaseInfo(name);
    if (holder) return { acquired: false, holder };
    this.put(`lease:${name}`, owner, ttlMs);
    return { acquired: true, lease: this.leaseInfo(name)! };
  }

  async renewLease(name: string, owner: string, ttlMs: number) {
    if (this.leaseInfo(name)?.owner !== owner) return false;
    this.put(`lease:${name}`, owner, ttlMs);
    return true;
  }

  async releaseLease(name: string, owner: string) {
    if (this.leaseInfo(name)?.owner !== owner) return false;
    this.values.delete(`lease:${name}`);
    return true;
  }

  async getLease(name: string) {
    return this.leaseInfo(name);
  }

  private nextId(): string {
    const ms = Math.max(this.clock.now(), this.lastStreamMs);
    this.lastStreamSeq = ms === this.lastStreamMs ? this.lastStreamSeq + 1 : 0;
    this.lastStreamMs = ms;
    return `${ms}-${this.lastStreamSeq}`;
  }

  async append(stream: string, fields: Record<string, string>, opts: { expectLastId?: string | null } = {}) {
    const entries = this.streams.get(stream) ?? [];
    if (opts.expectLastId !== undefined) {
      const lastId = entries.at(-1)?.id ?? null;
      if (lastId !== opts.expectLastId) return null;
    }
    const entry = { id: this.nextId(), fields: { ...fields } };
    entries.push(entry);
    this.streams.set(stream, entries);
    return entry.id;
  }

  async range(stream: string, opts: { after?: string; count?: number } = {}) {
    let entries = this.streams.get(stream) ?? [];
    if (opts.after) entries = entries.filter((e) => compareIds(e.id, opts.after!) > 0);
    return entries.slice(0, opts.count ?? entries.length).map((e) => ({ id: e.id, fields: { ...e.fields } }));
  }

  async lastEntry(stream: string) {
    const e = this.streams.get(stream)?.at(-1);
    return e ? { id: e.id, fields: { ...e.fields } } : null;
  }

  async trimBefore(stream: string, beforeId: string) {
    const entries = this.streams.get(stream) ?? [];
    const kept = entries.filter((e) => compareIds(e.id, beforeId) >= 0);
    this.streams.set(stream, kept);
    return entries.length - kept.length;
  }

  async ping() {}
  async close() {}
}

/** Orders stream ids `<ms>-<seq>` numerically, as Redis does. */
export function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number) as [number, number];
  const [bm, bs] = b.split('-').map(Number) as [number, number];
  return am - bm || (as ?? 0) - (bs ?? 0);
}
