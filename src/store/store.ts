/**
 * The state every rollbot replica shares: values with TTL, compare-and-set, leases and
 * append-only streams. Two implementations pass the same contract tests
 * (test/store/contract.test.ts): Redis for production, memory for the sandbox and demo.
 * The store knows nothing of incidents; keys and values are opaque strings.
 */
export interface SetOptions {
  /** Expire the key after this many milliseconds. */
  ttlMs?: number;
  /** Only set when the key does not exist (SET NX). */
  ifAbsent?: boolean;
}

export interface LeaseInfo {
  owner: string;
  /** Epoch milliseconds at which the lease lapses unless renewed. */
  expiresAt: number;
}

export type LeaseResult = { acquired: true; lease: LeaseInfo } | { acquired: false; holder: LeaseInfo };

export interface StreamEntry {
  /** Stream id, `<ms>-<seq>`, increasing. */
  id: string;
  fields: Record<string, string>;
}

export interface Store {
  get(key: string): Promise<string | null>;
  /** Returns false only when `ifAbsent` was asked and the key existed. */
  set(key: string, value: string, opts?: SetOptions): Promise<boolean>;
  del(key: string): Promise<void>;
  /**
   * Atomically replace the value of `key` with `next` if its current value is `expected`
   * (`null` = the key must not exist). Returns whether this caller won.
   */
  compareAndSet(
    key: string,
    expected: string | null,
    next: string,
    opts?: { ttlMs?: number },
  ): Promise<boolean>;
  /** Atomic counter; sets the TTL when the key is created. */
  incr(key: string, opts?: { by?: number; ttlMs?: number }): Promise<number>;

  /** Members of a set (unordered). Used for small indexes such as "open incidents". */
  addToSet(key: string, member: string): Promise<void>;
  removeFromSet(key: string, member: string): Promise<void>;
  setMembers(key: string): Promise<string[]>;

  /** Take the lease if it is free or its holder let it expire; otherwise say who holds it. */
  acquireLease(name: string, owner: string, ttlMs: number): Promise<LeaseResult>;
  /** Extend a lease this owner still holds; false if it lapsed or someone else took it. */
  renewLease(name: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Give the lease back if this owner holds it. */
  releaseLease(name: string, owner: string): Promise<boolean>;
  getLease(name: string): Promise<LeaseInfo | null>;

  /**
   * Append to a stream. With `expectLastId`, append only if the stream's newest entry has that id
   * (`null` = the stream must be empty), else return null: this is how a hash chain stays linear
   * across replicas.
   */
  append(
    stream: string,
    fields: Record<string, string>,
    opts?: { expectLastId?: string | null },
  ): Promise<string | null>;
  /** Entries in order, from `after` (exclusive) or the start, up to `count`. */
  range(stream: string, opts?: { after?: string; count?: number }): Promise<StreamEntry[]>;
  lastEntry(stream: string): Promise<StreamEntry | null>;
  /** Delete every entry with an id lower than `beforeId`; returns how many. */
  trimBefore(stream: string, beforeId: string): Promise<number>;

  /** Throws when the store cannot be reached (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
