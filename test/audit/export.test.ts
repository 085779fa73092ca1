import { AuditLog, exportRecords, hashRecord, type AuditRecord } from '../../src/audit/index.js';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryStore } from '../../src/store/index.js';

async function sample(): Promise<AuditRecord[]> {
  const clock = new ManualClock(Date.parse('2026-03-01T14:02:11Z'));
  const log = new AuditLog(new MemoryStore(clock), { clock });
  await log.append({
    action: 'proposal.posted',
    actor: { type: 'system', name: 'rollbot' },
    incidentId: 'inc-7',
    service: 'payments-api',
  });
  clock.advance(5000);
  await log.append({
    action: 'approval.refused',
    actor: { type: 'user', id: 'U0BOB', name: 'Bob "the, builder"' },
    incidentId: 'inc-7',
    service: 'payments-api',
    details: { reason: 'requester may not approve,\nsee runbook' },
  });
  return log.read();
}

/** Minimal RFC 4180 reader, to prove the output round-trips. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') ((field += '"'), i++);
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') (row.push(field), (field = ''));
    else if (c === '\r' && text[i + 1] === '\n')
      (row.push(field), rows.push(row), (row = []), (field = ''), i++);
    else field += c;
  }
  return rows;
}

test('JSONL: one full record per line, re-verifiable offline', async () => {
  const records = await sample();
  const lines = exportRecords(records, 'jsonl').trimEnd().split('\n');
  expect(lines).toHaveLength(2);
  const back = lines.map((l) => JSON.parse(l) as AuditRecord);
  expect(back).toEqual(records);
  for (const r of back) expect(hashRecord(r)).toBe(r.hash);
});

test('CSV: header, the documented columns, RFC 4180 quoting (commas, quotes, newlines)', async () => {
  const records = await sample();
  const text = exportRecords(records, 'csv');
  expect(text.startsWith('seq,at,actor_id,actor_name,action,incident_id,service,details,hash\r\n')).toBe(
    true,
  );
  expect(text).toContain('"Bob ""the, builder"""');
  const rows = parseCsv(text);
  expect(rows).toHaveLength(3);
  expect(rows[1]).toEqual([
    '1',
    '2026-03-01T14:02:11.000Z',
    '',
    'rollbot',
    'proposal.posted',
    'inc-7',
    'payments-api',
    '{}',
    records[0]!.hash,
  ]);
  expect(rows[2]!.slice(0, 7)).toEqual([
    '2',
    '2026-03-01T14:02:16.000Z',
    'U0BOB',
    'Bob "the, builder"',
    'approval.refused',
    'inc-7',
    'payments-api',
  ]);
  expect(JSON.parse(rows[2]![7]!)).toEqual({ reason: 'requester may not approve,\nsee runbook' });
});

test('empty export', () => {
  expect(exportRecords([], 'jsonl')).toBe('');
  expect(exportRecords([], 'csv')).toBe(
    'seq,at,actor_id,actor_name,action,incident_id,service,details,hash\r\n',
  );
});
