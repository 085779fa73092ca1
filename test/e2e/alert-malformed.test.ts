/**
 * Issue 4: the same 1,000 malformed webhook requests the unit test throws at the handler, now
 * against the running bot (composition root, real Redis): each gets a 4xx/401 with a JSON reason,
 * nothing is ingested, and /healthz and /readyz stay 200 — the process stays healthy.
 */
import fc from 'fast-check';
import { alertmanagerGroup, postAlert } from '../helpers/alerts.js';
import { startBot, type Bot } from '../helpers/bot.js';
import { MALFORMED_KINDS, malformedRequest } from '../helpers/malformed-alerts.js';
import { testRunbooks } from '../helpers/runbooks.js';

const MAX = 8 * 1024;
let bot: Bot;
beforeAll(async () => {
  bot = await startBot({ runbooksDir: await testRunbooks(), env: { WEBHOOK_MAX_BODY_BYTES: String(MAX) } });
});
afterAll(async () => bot?.close());

test('1,000 malformed bodies against the running bot each get a 4xx with a reason; the bot stays healthy', async () => {
  const seen = new Map<string, number>();
  const arbitrary = malformedRequest({
    bearerToken: bot.world.secrets.alertmanagerToken,
    genericSecret: bot.world.secrets.genericSecret,
    nowSeconds: () => Math.floor(Date.now() / 1000),
    maxBodyBytes: MAX,
  });
  await fc.assert(
    fc.asyncProperty(arbitrary, async (c) => {
      const path = c.target === 'am' ? '/webhooks/alertmanager' : '/webhooks/generic';
      const res = await fetch(bot.url + path, { method: 'POST', headers: c.headers, body: c.body });
      const reply = (await res.json()) as Record<string, unknown>;
      seen.set(c.kind, (seen.get(c.kind) ?? 0) + 1);
      expect(c.expect).toContain(res.status);
      expect(typeof reply['error']).toBe('string');
      expect(String(reply['reason'])).not.toBe('');
    }),
    { numRuns: 1000 },
  );
  expect(seen.size).toBe(MALFORMED_KINDS);

  expect(await bot.app.audit.read()).toEqual([]); // nothing was ingested
  expect(await bot.app.repo.active()).toEqual([]);
  for (const path of ['/healthz', '/readyz']) expect((await fetch(bot.url + path)).status).toBe(200);
  // … and still does its job.
  expect(
    (await postAlert(bot, 'alertmanager', alertmanagerGroup([{ service: 'payments-api' }]))).status,
  ).toBe(200);
  expect(await bot.app.repo.openFor('payments-api')).not.toBeNull();
}, 120_000); // 1,000 sequential requests: ~10 s on a quiet machine, no bound on a busy one
