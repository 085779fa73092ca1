/**
 * 1,000 malformed requests (fast-check): wrong types, missing fields, oversized, non-JSON,
 * wrong content type, bad signatures. Each must get a 4xx with a JSON reason, nothing may be
 * ingested, and the server must still accept a good request afterwards.
 */
import fc from 'fast-check';
import { signRollbot } from '../../src/alerts/auth.js';
import { fixture, fixtureText, nowSeconds, SECRET, startWebhook, TOKEN, type Harness } from './harness.js';

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

interface Case {
  kind: string;
  target: 'am' | 'gen';
  body: string | Uint8Array;
  headers: Record<string, string>;
  /** Statuses allowed for this case. */
  expect: number[];
}

const json = { 'content-type': 'application/json' };
const bearer = { ...json, authorization: `Bearer ${TOKEN}` };
const signGen = (body: string | Uint8Array) => {
  const ts = nowSeconds(gen.clock);
  return {
    ...json,
    'x-rollbot-timestamp': String(ts),
    'x-rollbot-signature': signRollbot(SECRET, ts, Buffer.from(body)),
  };
};

/** Required fields of the Alertmanager payload and the JSON type each must have. */
const amRequired: { path: (string | number)[]; type: 'string' | 'object' | 'array' | 'enum' }[] = [
  { path: ['version'], type: 'enum' },
  { path: ['groupKey'], type: 'string' },
  { path: ['status'], type: 'enum' },
  { path: ['alerts'], type: 'array' },
  { path: ['alerts', 0, 'labels'], type: 'object' },
  { path: ['alerts', 1, 'status'], type: 'enum' },
  { path: ['alerts', 0, 'startsAt'], type: 'string' },
];
const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

function setAt(root: any, path: (string | number)[], value: unknown, remove = false) {
  let cur = root;
  for (const key of path.slice(0, -1)) cur = cur[key];
  const last = path[path.length - 1]!;
  if (remove) delete cur[last];
  else cur[last] = value;
}

const wrongType: fc.Arbitrary<Case> = fc
  .tuple(fc.constantFrom(...amRequired), fc.jsonValue())
  .filter(([field, v]) => (field.type === 'enum' ? true : typeOf(v) !== field.type))
  .filter(([field, v]) => !(field.type === 'enum' && ['4', 'firing', 'resolved'].includes(v as string)))
  // Any string is a *valid* type for startsAt only if it is a timestamp; random strings are not.
  .map(([field, v]) => {
    const body = fixture('alertmanager-mixed');
    setAt(body, field.path, v);
    return { kind: 'wrong type', target: 'am', body: JSON.stringify(body), headers: bearer, expect: [400] };
  });

const missingField: fc.Arbitrary<Case> = fc.constantFrom(...amRequired).map((field) => {
  const body = fixture('alertmanager-mixed');
  setAt(body, field.path, undefined, true);
  return { kind: 'missing field', target: 'am', body: JSON.stringify(body), headers: bearer, expect: [400] };
});

const genericWrong: fc.Arbitrary<Case> = fc
  .record({
    alerts: fc.oneof(
      fc.constant([]),
      fc.array(fc.record({ labels: fc.dictionary(fc.constantFrom('env', 'team', 'x'), fc.string()) }), {
        minLength: 1,
        maxLength: 3,
      }),
      fc.jsonValue().filter((v) => !Array.isArray(v)),
    ),
  })
  .map((payload) => {
    const body = JSON.stringify(payload);
    return { kind: 'generic schema', target: 'gen', body, headers: signGen(body), expect: [400] };
  });

const oversized: fc.Arbitrary<Case> = fc.integer({ min: MAX + 1, max: MAX * 8 }).map((size) => {
  const body = `{"version":"4","pad":"${'x'.repeat(size)}"}`;
  return { kind: 'oversized', target: 'am', body, headers: bearer, expect: [413] };
});

const notJson: fc.Arbitrary<Case> = fc
  .oneof(
    fc.string(),
    fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b).toString('latin1')),
  )
  .filter((s) => {
    try {
      JSON.parse(s);
      return false;
    } catch {
      return true;
    }
  })
  .map((body) => ({ kind: 'non-JSON', target: 'am', body, headers: bearer, expect: [400] }));

const wrongContentType: fc.Arbitrary<Case> = fc
  .oneof(
    fc.constantFrom(
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data',
      'application/jsonx',
      'json',
    ),
    fc.stringMatching(/^[a-z]{1,10}\/[a-z+.-]{1,15}$/).filter((t) => t !== 'application/json'),
  )
  .map((type) => ({
    kind: 'content type',
    target: 'am',
    body: fixtureText('alertmanager-mixed'),
    headers: { ...bearer, 'content-type': type },
    expect: [415],
  }));

const badSignature: fc.Arbitrary<Case> = fc
  .record({
    signature: fc.oneof(fc.string(), fc.stringMatching(/^v1=[0-9a-f]{64}$/), fc.constant('')),
    timestamp: fc.oneof(
      fc.string(),
      fc.integer({ min: -1e6, max: 1e6 }).map((d) => String(1767225600 + d)),
    ),
  })
  .map(({ signature, timestamp }) => ({
    kind: 'bad signature',
    target: 'gen',
    body: fixtureText('generic-firing'),
    headers: { ...json, 'x-rollbot-signature': signature, 'x-rollbot-timestamp': timestamp },
    expect: [401],
  }));

const badBearer: fc.Arbitrary<Case> = fc
  .oneof(
    fc.string(),
    fc.string().map((t) => `Bearer ${t}`),
  )
  .filter((a) => !a.includes(TOKEN))
  .map((authorization) => ({
    kind: 'bad bearer',
    target: 'am',
    body: fixtureText('alertmanager-mixed'),
    // Header values must be ISO-8859-1 without control characters; fetch would refuse others.
    headers: { ...json, authorization: authorization.replace(/[^\x20-\x7e]/g, '?') },
    expect: [401],
  }));

test('1,000 malformed requests each get a JSON 4xx and the server stays healthy', async () => {
  const seen = new Map<string, number>();
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        wrongType,
        missingField,
        genericWrong,
        oversized,
        notJson,
        wrongContentType,
        badSignature,
        badBearer,
      ),
      async (c) => {
        const h = c.target === 'am' ? am : gen;
        const res = await fetch(h.url, { method: 'POST', headers: c.headers, body: c.body });
        const reply = (await res.json()) as Record<string, unknown>;
        seen.set(c.kind, (seen.get(c.kind) ?? 0) + 1);
        expect(c.expect).toContain(res.status);
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
        expect(typeof reply['error']).toBe('string');
        expect(typeof reply['reason']).toBe('string');
      },
    ),
    { numRuns: 1000 },
  );
  expect([...seen.values()].reduce((a, b) => a + b, 0)).toBe(1000);
  expect(seen.size).toBe(8);
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
  const goodGen = await fetch(gen.url, { method: 'POST', headers: signGen(body), body });
  expect(goodGen.status).toBe(200);
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
