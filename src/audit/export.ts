/**
 * Audit export for auditors and spreadsheets: JSON Lines (one full record per line, hashes
 * included, so an export can be re-verified offline) or CSV (RFC 4180: CRLF, quotes doubled).
 */
import type { AuditRecord } from './record.js';

export type ExportFormat = 'jsonl' | 'csv';

export const CSV_COLUMNS = [
  'seq',
  'at',
  'actor_id',
  'actor_name',
  'action',
  'incident_id',
  'service',
  'details',
  'hash',
] as const;

export function exportRecords(records: readonly AuditRecord[], format: ExportFormat): string {
  if (format === 'jsonl') return records.map((r) => JSON.stringify(r) + '\n').join('');
  const rows = [CSV_COLUMNS.join(',')];
  for (const r of records) {
    rows.push(
      [
        String(r.seq),
        r.at,
        r.actor.type === 'user' ? r.actor.id : '',
        r.actor.name ?? (r.actor.type === 'system' ? 'system' : ''),
        r.action,
        r.incidentId ?? '',
        r.service ?? '',
        JSON.stringify(r.details),
        r.hash,
      ]
        .map(csvField)
        .join(','),
    );
  }
  return rows.join('\r\n') + '\r\n';
}

/** RFC 4180: quote fields holding a comma, quote, CR or LF, doubling inner quotes. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
