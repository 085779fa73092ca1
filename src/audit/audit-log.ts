/**
 * The append-only audit log on a Store stream (invariant 1: no action without an audit record).
 * `append` resolves only once the record is stored and chained; on any failure it throws
 * `store_unavailable`, and callers must then not act. Replicas append concurrently: each append
 * names the entry it chains onto (`expectLastId`) and retries with jitter when another replica
 * got there first, so the chain stays linear.
 */
import { type Clock, systemClock } from '../core/clock.js';
import { RollbotError } from '../core/errors.js';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/index.js';
import type { AuditActor, AuditEvent, AuditRecord } from './record.js';
import { GENESIS_HASH, hashRecord, parseEntry, toFields } from './record.js';
import { type Checkpoint, type VerifyResult, readCheckpoint, verifyChain } from './verify.js';
import { type TrimOptions, type TrimResult, trimAuditLog } from './trim.js';

export interface AuditLogOptions {
  /** Stream name (before the store's key prefix). The checkpoint lives at `<stream>:checkpoint`. */
  stream?: string;
  clock?: Clock;
  log?: Logger;
  /** Attempts before giving up when other replicas keep winning the race (default 50). */
  maxAttempts?: number;
}

export interface ReadOptions {
  since?: string | Date;
  service?: string;
  incidentId?: string;
  /** At most this many records: the oldest matching ones, in order. */
  limit?: number;
}

const PAGE = 500;

export class AuditLog {
  readonly stream: string;
  readonly checkpointKey: string;
  private readonly clock: Clock;
  private readonly log: Logger | undefined;
  private readonly maxAttempts: number;

  constructor(
    private readonly store: Store,
    opts: AuditLogOptions = {},
  ) {
    this.stream = opts.stream ?? 'audit';
    this.checkpointKey = `${this.stream}:checkpoint`;
    this.clock = opts.clock ?? systemClock;
    this.log = opts.log;
    this.maxAttempts = opts.maxAttempts ?? 50;
  }

  async append(event: AuditEvent): Promise<AuditRecord> {
    try {
      return await this.appendOnce(event);
    } catch (err) {
      const cause = err instanceof Error ? err.message : String(err);
      this.log?.error({ err, action: event.action, incidentId: event.incidentId }, 'audit append failed');
      throw new RollbotError(
        'store_unavailable',
        `The audit record for ${event.action} could not be written (${cause}); nothing was done`,
        {
          hint: 'rollbot acts only after its audit record is stored: check that Redis is reachable and accepts writes, then retry',
          cause: err,
          details: { action: event.action, incidentId: event.incidentId, service: event.service },
        },
      );
    }
  }

  private async appendOnce(event: AuditEvent): Promise<AuditRecord> {
    const actor = cleanActor(event.actor);
    // A JSON round trip so that what is hashed is exactly what is stored and read back (Dates, undefined).
    const details = JSON.parse(JSON.stringify(event.details ?? {})) as Record<string, unknown>;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const { lastId, seq, prevHash } = await this.head();
      const body = {
        seq,
        at: new Date(this.clock.now()).toISOString(),
        action: event.action,
        actor,
        ...(event.incidentId !== undefined && { incidentId: event.incidentId }),
        ...(event.service !== undefined && { service: event.service }),
        details,
        prevHash,
      };
      const hash = hashRecord(body);
      const id = await this.store.append(this.stream, toFields({ ...body, hash }), { expectLastId: lastId });
      if (id !== null) return { id, ...body, hash };
      // Another replica appended first: back off a little (jittered, growing) and chain onto its entry.
      const ceiling = Math.min(100, 2 ** Math.min(attempt, 7));
      await new Promise((r) => setTimeout(r, Math.random() * ceiling));
    }
    throw new Error(`other writers kept appending; gave up after ${this.maxAttempts} attempts`);
  }

  /** What the next record chains onto: the newest entry, else the checkpoint, else genesis. */
  private async head(): Promise<{ lastId: string | null; seq: number; prevHash: string }> {
    const last = await this.store.lastEntry(this.stream);
    if (last) {
      // Chain onto the stored seq and hash even if other fields of that entry are damaged: verify
      // reports the damage, and rollbacks must not stop because of it. Without them there is no chain.
      const seq = Number(last.fields.seq);
      const hash = last.fields.hash;
      if (!Number.isSafeInteger(seq) || seq < 1 || !hash) {
        throw new Error(
          `the newest audit entry (id ${last.id}) has no usable seq/hash; run \`rollbot audit verify\``,
        );
      }
      return { lastId: last.id, seq: seq + 1, prevHash: hash };
    }
    const cp = await readCheckpoint(this.store, this.checkpointKey);
    return cp
      ? { lastId: null, seq: cp.seq + 1, prevHash: cp.hash }
      : { lastId: null, seq: 1, prevHash: GENESIS_HASH };
  }

  /** Records in stream order, filtered. Entries that are not valid records are skipped (and logged). */
  async read(opts: ReadOptions = {}): Promise<AuditRecord[]> {
    const sinceMs = opts.since === undefined ? undefined : new Date(opts.since).getTime();
    if (sinceMs !== undefined && Number.isNaN(sinceMs)) {
      throw new RollbotError('bad_input', `"${String(opts.since)}" is not a date`, {
        hint: 'use ISO-8601, e.g. 2026-01-31T00:00:00Z',
      });
    }
    const out: AuditRecord[] = [];
    for await (const entry of this.entries()) {
      const parsed = parseEntry(entry);
      if (!parsed.ok) {
        this.log?.warn({ id: entry.id, reason: parsed.reason }, 'skipping malformed audit entry');
        continue;
      }
      const r = parsed.record;
      if (sinceMs !== undefined && !(Date.parse(r.at) >= sinceMs)) continue;
      if (opts.service !== undefined && r.service !== opts.service) continue;
      if (opts.incidentId !== undefined && r.incidentId !== opts.incidentId) continue;
      out.push(r);
      if (opts.limit !== undefined && out.length >= opts.limit) break;
    }
    return out;
  }

  /** Every stream entry, paging through the store. */
  async *entries(after?: string) {
    let cursor = after;
    for (;;) {
      const page = await this.store.range(this.stream, {
        ...(cursor !== undefined && { after: cursor }),
        count: PAGE,
      });
      yield* page;
      if (page.length < PAGE) return;
      cursor = page.at(-1)!.id;
    }
  }

  checkpoint(): Promise<Checkpoint | null> {
    return readCheckpoint(this.store, this.checkpointKey);
  }

  /** Recomputes every hash and link from the checkpoint (or the start); names the first bad entry. */
  verify(): Promise<VerifyResult> {
    return verifyChain(this);
  }

  /** Removes old entries after recording a checkpoint, so `verify` still checks what remains. */
  trim(opts: TrimOptions): Promise<TrimResult> {
    return trimAuditLog(this, this.store, this.clock, opts);
  }
}

function cleanActor(actor: AuditActor): AuditActor {
  if (actor.type === 'user')
    return { type: 'user', id: actor.id, ...(actor.name !== undefined && { name: actor.name }) };
  return { type: 'system', ...(actor.name !== undefined && { name: actor.name }) };
}
