/**
 * Malformed alert webhook requests (fast-check): wrong types, missing fields, oversized, non-JSON,
 * wrong content type, bad signatures, bad bearer tokens. Shared by the webhook unit test
 * (test/alerts/malformed.test.ts) and the end-to-end test against the running bot, so both throw
 * the same 1,000 bodies. Each case says which endpoint it targets and the statuses it may get.
 */
import fc from 'fast-check';
import { signRollbot } from '../../src/alerts/auth.js';
import { fixture, fixtureText } from '../alerts/harness.js';

export interface MalformedTargets {
  /** The Alertmanager endpoint's bearer token (bad-bearer cases avoid it). */
  bearerToken: string;
  /** The generic endpoint's HMAC secret (schema cases are validly signed with it). */
  genericSecret: string;
  /** The receiver's clock, Unix seconds (signatures must be inside its window). */
  nowSeconds: () => number;
  /** The receiver's body limit (oversized cases exceed it). */
  maxBodyBytes: number;
}

export interface MalformedCase {
  kind: string;
  target: 'am' | 'gen';
  body: string | Uint8Array;
  headers: Record<string, string>;
  /** Statuses allowed for this case. */
  expect: number[];
}

/** The kinds of malformed request `malformedRequest` draws from. */
export const MALFORMED_KINDS = 8;

/** Headers of a validly signed generic-webhook request. */
export function signedGenericHeaders(t: MalformedTargets, body: string | Uint8Array): Record<string, string> {
  const ts = t.nowSeconds();
  return {
    'content-type': 'application/json',
    'x-rollbot-timestamp': String(ts),
    'x-rollbot-signature': signRollbot(t.genericSecret, ts, Buffer.from(body)),
  };
}

export function malformedRequest(t: MalformedTargets): fc.Arbitrary<MalformedCase> {
  const json = { 'content-type': 'application/json' };
  const bearer = { ...json, authorization: `Bearer ${t.bearerToken}` };
  const signGen = (body: string | Uint8Array) => signedGenericHeaders(t, body);

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

  const wrongType: fc.Arbitrary<MalformedCase> = fc
    .tuple(fc.constantFrom(...amRequired), fc.jsonValue())
    .filter(([field, v]) => (field.type === 'enum' ? true : typeOf(v) !== field.type))
    .filter(([field, v]) => !(field.type === 'enum' && ['4', 'firing', 'resolved'].includes(v as string)))
    // Any string is a *valid* type for startsAt only if it is a timestamp; random strings are not.
    .map(([field, v]) => {
      const body = fixture('alertmanager-mixed');
      setAt(body, field.path, v);
      return { kind: 'wrong type', target: 'am', body: JSON.stringify(body), headers: bearer, expect: [400] };
    });

  const missingField: fc.Arbitrary<MalformedCase> = fc.constantFrom(...amRequired).map((field) => {
    const body = fixture('alertmanager-mixed');
    setAt(body, field.path, undefined, true);
    return {
      kind: 'missing field',
      target: 'am',
      body: JSON.stringify(body),
      headers: bearer,
      expect: [400],
    };
  });

  const genericWrong: fc.Arbitrary<MalformedCase> = fc
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

  const oversized: fc.Arbitrary<MalformedCase> = fc
    .integer({ min: t.maxBodyBytes + 1, max: t.maxBodyBytes * 8 })
    .map((size) => {
      const body = `{"version":"4","pad":"${'x'.repeat(size)}"}`;
      return { kind: 'oversized', target: 'am', body, headers: bearer, expect: [413] };
    });

  const notJson: fc.Arbitrary<MalformedCase> = fc
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

  const wrongContentType: fc.Arbitrary<MalformedCase> = fc
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

  const badSignature: fc.Arbitrary<MalformedCase> = fc
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

  const badBearer: fc.Arbitrary<MalformedCase> = fc
    .oneof(
      fc.string(),
      fc.string().map((t) => `Bearer ${t}`),
    )
    .filter((a) => !a.includes(t.bearerToken))
    .map((authorization) => ({
      kind: 'bad bearer',
      target: 'am',
      body: fixtureText('alertmanager-mixed'),
      // Header values must be ISO-8859-1 without control characters; fetch would refuse others.
      headers: { ...json, authorization: authorization.replace(/[^\x20-\x7e]/g, '?') },
      expect: [401],
    }));

  return fc.oneof(
    wrongType,
    missingField,
    genericWrong,
    oversized,
    notJson,
    wrongContentType,
    badSignature,
    badBearer,
  );
}
