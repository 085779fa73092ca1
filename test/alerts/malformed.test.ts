/**
 * 1,000 malformed requests (fast-check): wrong types, missing fields, oversized, non-JSON,
 * wrong content type, bad signatures. Each must get a 4xx with a JSON reason, nothing may be
 * ingested, and the server must still accept a good request afterwards.
 */
import fc from 'fast-check';
import {
  MALFORMED_KINDS,
  malformedRequest,
  signedGenericHeaders,
  type MalformedTargets,
} from '../helpers/malformed-alerts.js';
import { fixtureText, nowSeconds, SECRET, startWebhook, TOKEN, type Harness } from './harness.js';

const MAX = 8 * 1024;
let am: Harness;
let gen: Harness;
beforeAll(async () => {
  am = await startWebhook('alertmanager', { scheme: 'bearer', tokens: [TOKEN] }, { maxBodyBytes: MAX });
  gen = await startWebhook('generic', { scheme: 'rollbot-hmac', secrets: [SECRET] }, { maxBodyBytes: MAX });
});
afterAll(async () => {
  await am.close();
  await gen.close();
});

const targets = (): MalformedTargets => ({
  bearerToken: TOKEN,
  genericSecret: SECRET,
  nowSeconds: () => nowSeconds(gen.clock),
  maxBodyBytes: MAX,
});
const bearer = { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` };

test('1,000 malformed requests each get a JSON 4xx and the server stays healthy', async () => {
  const seen = new Map<string, number>();
  await fc.assert(
    fc.asyncProperty(malformedRequest(targets()), async (c) => {
      const h = c.target === 'am' ? am : gen;
      const res = await fetch(h.url, { method: 'POST', headers: c.headers, body: c.body });
      const reply = (await res.json()) as Record<string, unknown>;
      seen.set(c.kind, (seen.get(c.kind) ?? 0) + 1);
      expect(c.expect).toContain(res.status);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(typeof reply['error']).toBe('string');
      expect(typeof reply['reason']).toBe('string');
    }),
    { numRuns: 1000 },
  );
  expect([...seen.values()].reduce((a, b) => a + b, 0)).toBe(1000);
  expect(seen.size).toBe(MALFORMED_KINDS);
  expect(am.batches).toHaveLength(0);
  expect(gen.batches).toHaveLength(0);

  // Still healthy.
  const good = await fetch(am.url, {
    method: 'POST',
    headers: bearer,
    body: fixtureText('alertmanager-mixed'),
  });
  expect(good.status).toBe(200);
  const body = fixtureText('generic-firing');
  const goodGen = await fetch(gen.url, {
    method: 'POST',
    headers: signedGenericHeaders(targets(), body),
    body,
  });
  expect(goodGen.status).toBe(200);
});

test('an object where a string belongs, with keys such as toString, is a 400 naming the field (found by the fuzzer)', async () => {
  const batch = JSON.parse(fixtureText('alertmanager-mixed')) as Record<string, unknown>;
  const stored = am.batches.length;
  for (const version of [{ toString: false }, { valueOf: 1, toString: null }, [1, 2]]) {
    const res = await fetch(am.url, {
      method: 'POST',
      headers: bearer,
      body: JSON.stringify({ ...batch, version }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ field: 'version', reason: expect.stringContaining('received') });
  }
  expect(am.batches).toHaveLength(stored);
});

test('a multi-megabyte body against the default 1 MiB limit is cut off with 413', async () => {
  const h = await startWebhook('alertmanager', { scheme: 'bearer', tokens: [TOKEN] });
  try {
    const res = await fetch(h.url, { method: 'POST', headers: bearer, body: 'x'.repeat(5 * 1024 * 1024) });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: 'payload_too_large' });
    // Streamed without Content-Length: the limit still holds.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 40; i++) controller.enqueue(new Uint8Array(64 * 1024).fill(120));
        controller.close();
      },
    });
    const streamed = await fetch(h.url, {
      method: 'POST',
      headers: bearer,
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
  } finally {
    await h.close();
  }
});
