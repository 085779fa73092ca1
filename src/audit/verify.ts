/**
 * Checks the audit chain: every entry's hash matches its content, seqs run without gaps and each
 * entry links to the previous one (or to the retention checkpoint). Reports the FIRST bad entry as
 * altered, missing, reordered or malformed, in words an auditor can act on.
 * Limits (as for any hash chain kept in one place): removing or re-hashing the newest entries is
 * only visible against a copy of the head hash kept elsewhere, e.g. the audit channel.
 */
import type { Store, StreamEntry } from '../store/index.js';
import { GENESIS_HASH, type AuditRecord, hashRecord, parseEntry } from './record.js';

export interface Checkpoint {
  /** The last removed entry: its seq, stream id and hash. */
  seq: number;
  id: string;
  hash: string;
  at?: string;
  trimmedAt?: string;
}

export type VerifyProblem = 'altered' | 'missing' | 'reordered' | 'malformed';

export type VerifyResult =
  | { ok: true; checked: number; from: Checkpoint | 'start' }
  | { ok: false; checked: number; problem: VerifyProblem; seq: number; id: string; message: string };

/** What verify needs from the log (kept structural to avoid an import cycle). */
export interface ChainSource {
  entries(after?: string): AsyncIterable<StreamEntry>;
  checkpoint(): Promise<Checkpoint | null>;
}

/** The checkpoint value exists but is not a checkpoint (a store failure is thrown as is). */
export class MalformedCheckpointError extends Error {}

export async function readCheckpoint(store: Store, key: string): Promise<Checkpoint | null> {
  const raw = await store.get(key);
  if (raw === null) return null;
  let v: Partial<Checkpoint> | undefined;
  try {
    v = JSON.parse(raw) as Partial<Checkpoint>;
  } catch {
    v = undefined; // not JSON: reported just below as a malformed checkpoint, with its key
  }
  if (!v || !Number.isSafeInteger(v.seq) || typeof v.id !== 'string' || typeof v.hash !== 'string') {
    throw new MalformedCheckpointError(`the audit checkpoint (${key}) is not valid JSON {seq, id, hash}`);
  }
  return v as Checkpoint;
}

export function sameCheckpoint(a: unknown, b: Checkpoint): boolean {
  const c = a as Partial<Checkpoint> | null | undefined;
  return !!c && c.seq === b.seq && c.id === b.id && c.hash === b.hash;
}

export async function verifyChain(source: ChainSource): Promise<VerifyResult> {
  let cp: Checkpoint | null;
  try {
    cp = await source.checkpoint();
  } catch (err) {
    if (!(err instanceof MalformedCheckpointError)) throw err;
    return { ok: false, checked: 0, problem: 'malformed', seq: 0, id: '', message: err.message };
  }
  let expectedSeq = cp ? cp.seq + 1 : 1;
  let prevHash = cp ? cp.hash : GENESIS_HASH;
  let prev: AuditRecord | null = null;
  let checkpointDeclared = false;
  let checked = 0;
  const fail = (problem: VerifyProblem, seq: number, id: string, message: string): VerifyResult => ({
    ok: false,
    checked,
    problem,
    seq,
    id,
    message,
  });

  for await (const entry of source.entries(cp?.id)) {
    const parsed = parseEntry(entry);
    if (!parsed.ok) {
      const seq = Number(entry.fields.seq);
      const shown = Number.isSafeInteger(seq) ? seq : expectedSeq;
      return fail(
        'malformed',
        shown,
        entry.id,
        `entry seq ${shown} (id ${entry.id}) is malformed: ${parsed.reason}`,
      );
    }
    const r = parsed.record;
    if (hashRecord(r) !== r.hash) {
      return fail(
        'altered',
        r.seq,
        r.id,
        `entry seq ${r.seq} (id ${r.id}) was altered: its hash does not match its content`,
      );
    }
    if (r.seq < expectedSeq) {
      return fail(
        'reordered',
        r.seq,
        r.id,
        `entry seq ${r.seq} (id ${r.id}) is out of order: seq ${expectedSeq} was expected here, after seq ${expectedSeq - 1}`,
      );
    }
    if (r.seq > expectedSeq) {
      const later = await findSeq(source, r.id, expectedSeq);
      if (later) {
        return fail(
          'reordered',
          r.seq,
          r.id,
          `entry seq ${r.seq} (id ${r.id}) is out of order: it comes before seq ${expectedSeq} (id ${later})`,
        );
      }
      const gap =
        r.seq - expectedSeq === 1
          ? `entry seq ${expectedSeq} is`
          : `entries seq ${expectedSeq}–${r.seq - 1} are`;
      const after = prev
        ? `seq ${prev.seq} (id ${prev.id})`
        : cp
          ? `the checkpoint (seq ${cp.seq})`
          : 'the start of the log';
      return fail(
        'missing',
        expectedSeq,
        r.id,
        `${gap} missing: entry seq ${r.seq} (id ${r.id}) directly follows ${after}`,
      );
    }
    if (r.prevHash !== prevHash) {
      if (prev) {
        return fail(
          'altered',
          prev.seq,
          prev.id,
          `entry seq ${prev.seq} (id ${prev.id}) was altered: entry seq ${r.seq} (id ${r.id}) no longer links to it (content changed and re-hashed, or replaced)`,
        );
      }
      const base = cp ? `the checkpoint (seq ${cp.seq})` : 'the start of the log';
      return fail(
        'altered',
        r.seq,
        r.id,
        `entry seq ${r.seq} (id ${r.id}) was altered: it does not link to ${base}`,
      );
    }
    if (cp && r.action === 'audit.trimmed' && sameCheckpoint(r.details.checkpoint, cp))
      checkpointDeclared = true;
    prevHash = r.hash;
    prev = r;
    expectedSeq++;
    checked++;
  }
  // A checkpoint is only legitimate when the chain itself records the trim that made it.
  if (cp && !checkpointDeclared) {
    return fail(
      'altered',
      cp.seq,
      cp.id,
      `the audit checkpoint (seq ${cp.seq}, id ${cp.id}) was altered: no audit.trimmed entry in the log records it`,
    );
  }
  return { ok: true, checked, from: cp ?? 'start' };
}

/** The id of the entry after `afterId` that carries `seq`, if any (only on the failure path). */
async function findSeq(source: ChainSource, afterId: string, seq: number): Promise<string | undefined> {
  for await (const entry of source.entries(afterId)) {
    if (Number(entry.fields.seq) === seq) return entry.id;
  }
  return undefined;
}
