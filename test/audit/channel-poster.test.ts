import { AuditChannelPoster, formatAuditLine, type AuditRecord } from '../../src/audit/index.js';
import { isSignificant } from '../../src/audit/actions.js';
import { createLogger, memoryDestination } from '../../src/log/logger.js';

let seq = 0;
function rec(action: string, extra: Partial<AuditRecord> = {}): AuditRecord {
  seq++;
  return {
    id: `1732000000000-${seq}`,
    seq,
    at: '2026-03-01T14:02:11.123Z',
    action,
    actor: { type: 'user', id: 'U0BOB', name: 'Bob' },
    incidentId: 'inc-20260301-1',
    service: 'payments-api',
    details: {},
    prevHash: '0'.repeat(64),
    hash: 'f'.repeat(64),
    ...extra,
  };
}

test('one compact line per significant record', () => {
  expect(formatAuditLine(rec('approval.granted'), 'https://slack.example/archives/C1/p1')).toBe(
    ':white_check_mark: <!date^1772373731^{time_secs}|14:02:11 UTC> *approval.granted* payments-api by <@U0BOB> — incident inc-20260301-1 <https://slack.example/archives/C1/p1|thread>',
  );
  expect(
    formatAuditLine(
      rec('approval.refused', {
        actor: { type: 'system', name: 'policy <engine>' },
        details: { reason: 'self-approval' },
      }),
    ),
  ).toBe(
    ':no_entry: <!date^1772373731^{time_secs}|14:02:11 UTC> *approval.refused* payments-api by policy &lt;engine&gt; — incident inc-20260301-1 (self-approval)',
  );
});

test('a cancelled run is one line, saying where it stopped; the request before it is not a second line', () => {
  expect(
    formatAuditLine(
      rec('rollback.cancelled', {
        details: { stopped: 'stopped after payments/payments-api was rolled back to revision 2 (1.4.2)' },
      }),
    ),
  ).toBe(
    ':black_square_for_stop: <!date^1772373731^{time_secs}|14:02:11 UTC> *rollback.cancelled* payments-api by <@U0BOB> — incident inc-20260301-1 — stopped after payments/payments-api was rolled back to revision 2 (1.4.2)',
  );
  expect(isSignificant('rollback.cancel_requested')).toBe(false);
  expect(isSignificant('rollback.cancelled')).toBe(true);
  expect(isSignificant('proposal.cancelled')).toBe(true);
  expect(isSignificant('request.refused')).toBe(true);
});

test('only significant actions are queued', async () => {
  const posts: string[] = [];
  const poster = new AuditChannelPoster({ post: async (t) => void posts.push(t), intervalMs: 10 });
  poster.offer(rec('step.started'));
  poster.offer(rec('alert.received'));
  poster.offer(rec('breakglass.invoked'));
  await poster.stop();
  expect(posts).toHaveLength(1);
  expect(posts[0]).toMatch(/^:rotating_light: .*\*breakglass\.invoked\*/);
});

test('50 offers become a few batched posts, spaced at least the interval apart', async () => {
  const posts: { at: number; text: string }[] = [];
  const poster = new AuditChannelPoster({
    post: async (text) => void posts.push({ at: performance.now(), text }),
    intervalMs: 60,
    maxBatch: 20,
  });
  for (let i = 0; i < 50; i++) {
    poster.offer(rec('rollback.succeeded'));
    if (i % 10 === 9) await new Promise((r) => setTimeout(r, 5));
  }
  await poster.flush();
  expect(poster.pending).toBe(0);
  expect(posts.length).toBeGreaterThanOrEqual(3);
  expect(posts.length).toBeLessThanOrEqual(6);
  expect(posts.reduce((n, p) => n + p.text.split('\n').length, 0)).toBe(50);
  for (const p of posts) expect(p.text.split('\n').length).toBeLessThanOrEqual(20);
  for (let i = 1; i < posts.length; i++) expect(posts[i]!.at - posts[i - 1]!.at).toBeGreaterThanOrEqual(58);
  await poster.stop();
});

test('a failed post is logged and retried later, never thrown at the caller', async () => {
  const dest = memoryDestination();
  const posts: string[] = [];
  let fail = 2;
  const poster = new AuditChannelPoster({
    post: async (text) => {
      if (fail-- > 0) throw new Error('slack says ratelimited');
      posts.push(text);
    },
    intervalMs: 20,
    log: createLogger({ destination: dest }),
  });
  expect(() => poster.offer(rec('rollback.failed'))).not.toThrow();
  await poster.flush(); // first attempt fails; the line stays queued
  expect(poster.pending).toBe(1);
  await new Promise((r) => setTimeout(r, 250)); // background retries (20ms, then 80ms)
  expect(posts).toHaveLength(1);
  expect(posts[0]).toContain('*rollback.failed*');
  expect(dest.lines.filter((l) => l.includes('audit channel post failed'))).toHaveLength(2);
  await poster.stop();
});

test('stop drains what is queued, then takes no more lines', async () => {
  const posts: string[] = [];
  const poster = new AuditChannelPoster({
    post: async (t) => void posts.push(t),
    intervalMs: 30,
    maxBatch: 2,
  });
  for (let i = 0; i < 5; i++) poster.offer(rec('proposal.posted'));
  await poster.stop();
  expect(posts.map((p) => p.split('\n').length)).toEqual([2, 2, 1]);
  poster.offer(rec('proposal.posted'));
  expect(poster.pending).toBe(0);
});
