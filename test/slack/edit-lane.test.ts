/**
 * The edit lane's rules, against a recording fake of chat.update on a clock the test moves:
 * newest state wins, one edit per message per interval, a budget that keeps room for final states,
 * a 429 pauses the lane and the newest state is re-sent, other failures are retried.
 */
import { EditLane } from '../../src/slack/edit-lane.js';

function world(opts: { perMinute?: number; messageIntervalMs?: number } = {}) {
  let now = 1_000_000;
  const sent: { key: string; state: string; at: number }[] = [];
  const failures: unknown[] = [];
  const lane = new EditLane({ ...opts, now: () => now, attempts: 3 });
  const edit = (key: string, state: string, kind: 'final' | 'progress' | 'other' = 'progress') =>
    lane.submit(key, kind, async () => {
      const f = failures.shift();
      if (f) throw f;
      sent.push({ key, state, at: now });
    });
  /** Moves the clock and lets the lane's timers run (they are real, but 0 ms once due). */
  const advance = async (ms: number) => {
    now += ms;
    for (let i = 0; i < 5; i++) {
      (lane as unknown as { pump(): void }).pump();
      await new Promise((r) => setImmediate(r));
    }
  };
  return { lane, sent, failures, edit, advance, now: () => now };
}

test('a burst of states for one message: the first goes out, the rest coalesce into the newest', async () => {
  const w = world({ messageIntervalMs: 2000 });
  const first = w.edit('C1:1', 'step 1');
  await w.advance(0);
  const later = [w.edit('C1:1', 'step 2'), w.edit('C1:1', 'step 3'), w.edit('C1:1', 'done', 'final')];
  await first;
  await w.advance(1000);
  expect(w.sent.map((s) => s.state)).toEqual(['step 1']); // not again within the interval
  await w.advance(1000);
  await Promise.all(later);
  expect(w.sent.map((s) => s.state)).toEqual(['step 1', 'done']);
  expect(w.sent[1]!.at - w.sent[0]!.at).toBeGreaterThanOrEqual(2000);
});

test('intermediate states never spend the budget final states need', async () => {
  // Slack's 50 a minute; 20 messages approved, then running, then done (issue 14's scenario).
  const w = world({ perMinute: 50, messageIntervalMs: 0 });
  const keys = Array.from({ length: 20 }, (_, i) => `C${i}:1`);
  keys.forEach((k) => void w.edit(k, 'approved'));
  await w.advance(0);
  for (let round = 0; round < 5; round++) {
    keys.forEach((k) => void w.edit(k, `running ${round}`));
    await w.advance(100);
  }
  // 20 approvals + a few intermediates: the rest held back, 20 slots kept for the finals.
  expect(w.sent.length).toBeLessThanOrEqual(50 - 5 - 20 + 20);
  const finals = keys.map((k) => w.edit(k, 'done', 'final'));
  await w.advance(0);
  await Promise.all(finals); // all within the same minute: no waiting for the window
  const lastByKey = new Map(w.sent.map((s) => [s.key, s.state]));
  expect(lastByKey.size).toBe(20);
  expect([...lastByKey.values()].every((s) => s === 'done')).toBe(true);
  expect(w.sent.length).toBeLessThanOrEqual(48);
});

test('more messages than a minute allows: finals first when the window frees, all land, never 50+ a minute', async () => {
  const w = world({ perMinute: 50, messageIntervalMs: 0 });
  const keys = Array.from({ length: 40 }, (_, i) => `C${i}:1`);
  keys.forEach((k) => void w.edit(k, 'approved'));
  await w.advance(0);
  const finals = keys.map((k) => w.edit(k, 'done', 'final'));
  void w.edit('C99:1', 'an unrelated proposal update', 'other');
  await w.advance(0);
  const firstMinute = w.sent.length;
  expect(firstMinute).toBeLessThanOrEqual(48);
  await w.advance(60_000);
  await Promise.all(finals);
  const doneAt = w.sent.filter((s) => s.state === 'done').map((s) => s.at);
  expect(new Set(w.sent.filter((s) => s.state === 'done').map((s) => s.key)).size).toBe(40);
  // the unrelated edit waited for the finals
  const other = w.sent.find((s) => s.key === 'C99:1');
  if (other) expect(other.at).toBeGreaterThanOrEqual(Math.max(...doneAt));
  for (const s of w.sent)
    expect(w.sent.filter((t) => t.at > s.at - 60_000 && t.at <= s.at).length).toBeLessThanOrEqual(48);
});

test('a 429 pauses the lane for Retry-After; the newest state is what is re-sent', async () => {
  const w = world({ messageIntervalMs: 0 });
  w.failures.push(Object.assign(new Error('ratelimited'), { details: { retryAfterSeconds: 30 } }));
  const a = w.edit('C1:1', 'running');
  await w.advance(0);
  void w.edit('C1:1', 'done', 'final');
  void w.edit('C2:1', 'other message');
  await w.advance(29_000);
  expect(w.sent).toEqual([]); // the whole method is limited, not one message
  await w.advance(1000);
  await a;
  expect(w.sent.map((s) => `${s.key} ${s.state}`).sort()).toEqual(['C1:1 done', 'C2:1 other message']);
});

test('other failures are retried with backoff, then given up (logged, never thrown)', async () => {
  const w = world({ messageIntervalMs: 0 });
  w.failures.push(new Error('socket hang up'));
  const a = w.edit('C1:1', 'done', 'final');
  await w.advance(0);
  expect(w.sent).toEqual([]);
  await w.advance(1000);
  await a;
  expect(w.sent.map((s) => s.state)).toEqual(['done']);

  w.failures.push(new Error('x'), new Error('x'), new Error('x'));
  const b = w.edit('C2:1', 'doomed', 'final');
  for (let i = 0; i < 4; i++) await w.advance(4000);
  await expect(b).resolves.toBeUndefined();
  expect(w.sent.map((s) => s.state)).toEqual(['done']);
});

test('close() sends what is queued, finals first, and later edits go out directly', async () => {
  const w = world({ messageIntervalMs: 60_000 });
  await w.edit('C1:1', 'running');
  void w.edit('C1:1', 'done', 'final'); // held by the interval
  await w.lane.close(1000);
  expect(w.sent.map((s) => s.state)).toEqual(['running', 'done']);
  await w.edit('C1:1', 'after');
  expect(w.sent.map((s) => s.state)).toEqual(['running', 'done', 'after']);
});
