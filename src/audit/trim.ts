/**
 * Retention. Before removing anything, trim checks the chain (a damaged log is evidence, never
 * trimmed), appends an `audit.trimmed` record naming the new checkpoint (the last removed entry:
 * seq, id, hash), stores the checkpoint, and only then deletes. `verify` then starts from the
 * checkpoint: the first remaining entry must link to its hash, and the checkpoint must be the one
 * an `audit.trimmed` entry recorded. Each step is safe to interrupt: a re-run finishes the job.
 */
import type { Clock } from '../core/clock.js';
import { RollbotError } from '../core/errors.js';
import type { Store } from '../store/index.js';
import type { AuditLog } from './audit-log.js';
import { type AuditActor, type AuditRecord, parseEntry } from './record.js';
import type { Checkpoint } from './verify.js';

export interface TrimOptions {
  /** Remove entries whose `at` is older than this many milliseconds. */
  olderThan?: number;
  /** Keep at least this many of the newest entries. */
  keepLast?: number;
  /** Who trims (default: the system). */
  actor?: AuditActor;
}

export interface TrimResult {
  removed: number;
  checkpoint: Checkpoint | null;
  /** The `audit.trimmed` record, when something was removed. */
  record?: AuditRecord;
}

export async function trimAuditLog(
  log: AuditLog,
  store: Store,
  clock: Clock,
  opts: TrimOptions,
): Promise<TrimResult> {
  if (opts.olderThan === undefined && opts.keepLast === undefined) {
    throw new RollbotError('bad_input', 'trim needs olderThan or keepLast', {
      hint: 'e.g. rollbot audit trim --older-than 90d',
    });
  }
  const check = await log.verify();
  if (!check.ok) {
    throw new RollbotError('conflict', `Refusing to trim a damaged audit log: ${check.message}`, {
      hint: 'export the log (rollbot audit export) and investigate first; trimming would destroy the evidence',
    });
  }
  const current = await log.checkpoint();
  const kept: { seq: number; id: string; hash: string; at: string }[] = [];
  for await (const entry of log.entries(current?.id)) {
    const parsed = parseEntry(entry);
    if (!parsed.ok)
      throw new RollbotError('conflict', `audit entry ${entry.id} changed during trim`, {
        hint: 'run rollbot audit verify',
      });
    const { seq, id, hash, at } = parsed.record;
    kept.push({ seq, id, hash, at });
  }

  let cut = kept.length;
  if (opts.keepLast !== undefined) cut = Math.min(cut, Math.max(0, kept.length - opts.keepLast));
  if (opts.olderThan !== undefined) {
    const threshold = clock.now() - opts.olderThan;
    const firstYoung = kept.findIndex((e) => !(Date.parse(e.at) < threshold));
    cut = Math.min(cut, firstYoung === -1 ? kept.length : firstYoung);
  }
  if (cut === 0) return { removed: 0, checkpoint: current };

  const last = kept[cut - 1]!;
  const checkpoint: Checkpoint = {
    seq: last.seq,
    id: last.id,
    hash: last.hash,
    at: last.at,
    trimmedAt: new Date(clock.now()).toISOString(),
  };
  // Invariant 1: the trim is recorded (in the chain, where it cannot be quietly removed) before it happens.
  const record = await log.append({
    action: 'audit.trimmed',
    actor: opts.actor ?? { type: 'system', name: 'rollbot' },
    details: {
      checkpoint: { seq: last.seq, id: last.id, hash: last.hash },
      removed: cut,
      ...(opts.olderThan !== undefined && { olderThanMs: opts.olderThan }),
      ...(opts.keepLast !== undefined && { keepLast: opts.keepLast }),
    },
  });
  await store.set(log.checkpointKey, JSON.stringify(checkpoint));
  const firstKeptId = kept[cut]?.id ?? record.id;
  const removed = await store.trimBefore(log.stream, firstKeptId);
  return { removed, checkpoint, record };
}
