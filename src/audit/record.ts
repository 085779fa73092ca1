/**
 * One audit record and its place in the hash chain. The hash covers a canonical JSON (keys sorted,
 * absent optional fields as null) of the record's content and the previous record's hash, so
 * changing, removing or reordering any entry breaks the chain from that point on.
 * On the stream each record is flat fields; `actor` and `details` are JSON strings.
 */
import { createHash } from 'node:crypto';
import type { StreamEntry } from '../store/index.js';
import type { AuditAction } from './actions.js';

export type AuditActor = { type: 'user'; id: string; name?: string } | { type: 'system'; name?: string };

export interface AuditEvent {
  action: AuditAction;
  actor: AuditActor;
  incidentId?: string;
  service?: string;
  details?: Record<string, unknown>;
}

export interface AuditRecord {
  /** Stream id (`<ms>-<n>`) where the record is stored. */
  id: string;
  /** 1, 2, 3 … across the whole life of the log (trimming does not restart it). */
  seq: number;
  /** ISO-8601 UTC time from the injected clock. */
  at: string;
  action: string;
  actor: AuditActor;
  incidentId?: string;
  service?: string;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/** The prevHash of record seq 1. */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every depth; `undefined` members are left out, as JSON does. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const parts = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`);
  return `{${parts.join(',')}}`;
}

export function hashRecord(r: Omit<AuditRecord, 'id' | 'hash'>): string {
  const content = {
    seq: r.seq,
    at: r.at,
    action: r.action,
    actor: r.actor,
    incidentId: r.incidentId ?? null,
    service: r.service ?? null,
    details: r.details,
    prevHash: r.prevHash,
  };
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

export function toFields(r: Omit<AuditRecord, 'id'>): Record<string, string> {
  const fields: Record<string, string> = {
    seq: String(r.seq),
    at: r.at,
    action: r.action,
    actor: canonicalJson(r.actor),
  };
  if (r.incidentId !== undefined) fields.incidentId = r.incidentId;
  if (r.service !== undefined) fields.service = r.service;
  fields.details = canonicalJson(r.details);
  fields.prevHash = r.prevHash;
  fields.hash = r.hash;
  return fields;
}

export type ParsedEntry = { ok: true; record: AuditRecord } | { ok: false; reason: string };

function parseJsonObject(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    // Not JSON: the caller reports the entry as malformed, naming the field (verify, export).
    return undefined;
  }
}

function isActor(v: Record<string, unknown> | undefined): v is AuditActor {
  if (!v) return false;
  if (v.name !== undefined && typeof v.name !== 'string') return false;
  return (v.type === 'user' && typeof v.id === 'string') || v.type === 'system';
}

/** A stream entry back into a record, or why it is not one. Does not check the hash. */
export function parseEntry(entry: StreamEntry): ParsedEntry {
  const f = entry.fields;
  for (const name of ['seq', 'at', 'action', 'actor', 'details', 'prevHash', 'hash']) {
    if (f[name] === undefined) return { ok: false, reason: `field "${name}" is missing` };
  }
  const seq = Number(f.seq);
  if (!Number.isSafeInteger(seq) || seq < 1)
    return { ok: false, reason: `seq "${f.seq}" is not a positive integer` };
  const actor = parseJsonObject(f.actor);
  if (!isActor(actor)) return { ok: false, reason: 'actor is not a valid actor object' };
  const details = parseJsonObject(f.details);
  if (!details) return { ok: false, reason: 'details is not a JSON object' };
  const record: AuditRecord = {
    id: entry.id,
    seq,
    at: f.at!,
    action: f.action!,
    actor,
    details,
    prevHash: f.prevHash!,
    hash: f.hash!,
  };
  if (f.incidentId !== undefined) record.incidentId = f.incidentId;
  if (f.service !== undefined) record.service = f.service;
  return { ok: true, record };
}
