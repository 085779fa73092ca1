import type { Redis } from 'ioredis';

/**
 * Tampering as an attacker with Redis access would do it, on the raw prefixed stream key.
 * A stream entry cannot be edited in place, so edits rebuild the stream with the same ids.
 */
type Raw = [id: string, fields: string[]];

async function rebuild(redis: Redis, key: string, change: (rows: Raw[]) => Raw[]): Promise<void> {
  const rows = (await redis.xrange(key, '-', '+')) as Raw[];
  const next = change(rows.map(([id, f]) => [id, [...f]]));
  const multi = redis.multi().del(key);
  for (const [id, fields] of next) multi.xadd(key, id, ...fields);
  await multi.exec();
}

function seqOf(fields: string[]): number {
  return Number(fields[fields.indexOf('seq') + 1]);
}

/** Changes one field of the entry with this seq (ids preserved). */
export function editField(redis: Redis, key: string, seq: number, field: string, value: string) {
  return rebuild(redis, key, (rows) =>
    rows.map(([id, f]) => {
      if (seqOf(f) === seq) f[f.indexOf(field) + 1] = value;
      return [id, f];
    }),
  );
}

/** Swaps the contents of two entries (ids stay in place, so the stream order is what changes). */
export function swapEntries(redis: Redis, key: string, seqA: number, seqB: number) {
  return rebuild(redis, key, (rows) => {
    const a = rows.findIndex(([, f]) => seqOf(f) === seqA);
    const b = rows.findIndex(([, f]) => seqOf(f) === seqB);
    const fa = rows[a]![1];
    rows[a]![1] = rows[b]![1];
    rows[b]![1] = fa;
    return rows;
  });
}

/** Deletes the entry with this seq (XDEL). */
export async function deleteEntry(redis: Redis, key: string, seq: number): Promise<string> {
  const rows = (await redis.xrange(key, '-', '+')) as Raw[];
  const row = rows.find(([, f]) => seqOf(f) === seq)!;
  await redis.xdel(key, row[0]);
  return row[0];
}

export async function idOfSeq(redis: Redis, key: string, seq: number): Promise<string> {
  const rows = (await redis.xrange(key, '-', '+')) as Raw[];
  return rows.find(([, f]) => seqOf(f) === seq)![0];
}
