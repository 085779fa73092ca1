/**
 * Shared fuzz arbitraries: a valid JSON document broken in the ways senders break them (a field
 * replaced by another type, removed, huge, or an unknown field added), and HTTP helpers that send
 * exactly the bytes and headers asked for.
 */
import { request } from 'node:http';
import fc from 'fast-check';

type Path = (string | number)[];

function paths(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

export const weirdJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      null,
      '',
      0,
      -1,
      1e308,
      true,
      [],
      {},
      'x'.repeat(70_000),
      '\u0000',
      '<!channel>',
      '{{ env.SLACK_BOT_TOKEN }}',
      '__proto__',
      '0001-01-01T00:00:00Z',
      'not-a-date',
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 50 }) },
);

type Op =
  { kind: 'replace'; value: unknown } | { kind: 'delete' } | { kind: 'add'; key: string; value: unknown };

function apply(root: unknown, path: Path, op: Op): unknown {
  if (path.length === 0) return op.kind === 'replace' ? op.value : root;
  let parent = root as Record<string | number, unknown>;
  for (const seg of path.slice(0, -1)) {
    if (parent === null || typeof parent !== 'object') return root;
    parent = parent[seg] as Record<string | number, unknown>;
  }
  // an earlier edit replaced part of the path: this one no longer applies
  if (parent === null || typeof parent !== 'object') return root;
  const last = path[path.length - 1]!;
  if (op.kind === 'replace') parent[last] = op.value;
  else if (op.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else {
    const target = parent[last];
    if (target && typeof target === 'object' && !Array.isArray(target))
      Object.defineProperty(target, op.key, {
        value: op.value,
        enumerable: true,
        configurable: true,
        writable: true,
      });
  }
  return root;
}

/**
 * `base` with 1–`max` random edits at random paths (paths drawn from the original's shape);
 * replaced and added values come from `values` (default: weird JSON).
 */
export function mutated(
  base: unknown,
  max = 3,
  values: fc.Arbitrary<unknown> = weirdJson,
): fc.Arbitrary<unknown> {
  const all = paths(base);
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 5, arbitrary: values.map((value) => ({ kind: 'replace' as const, value })) },
    { weight: 3, arbitrary: fc.constant({ kind: 'delete' as const }) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.string({ maxLength: 12 }), values)
        .map(([key, value]) => ({ kind: 'add' as const, key, value })),
    },
  );
  return fc.array(fc.tuple(fc.constantFrom(...all), op), { minLength: 1, maxLength: max }).map((ops) => {
    let doc = structuredClone(base);
    for (const [path, o] of ops) doc = apply(doc, path, o);
    return doc;
  });
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** POST exactly these bytes with exactly these headers (node:http: no header normalisation). */
export function rawPost(
  url: string,
  body: string | Buffer,
  headers: Record<string, string | string[]>,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const r = request(
      url,
      { method: 'POST', headers: { 'content-length': String(Buffer.byteLength(body)), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    r.setTimeout(10_000, () => r.destroy(new Error('no answer within 10 s')));
    r.on('error', reject);
    r.end(body);
  });
}

/** The refusal contract: 2xx, or a 4xx whose JSON body has a non-empty `reason`; never 5xx. */
export function expectAnswered(res: RawResponse, what: string): void {
  if (res.status >= 500 || res.status === 0)
    throw new Error(`${what}: got ${res.status} ${res.text.slice(0, 300)}`);
  if (res.status >= 400) {
    let json: { reason?: unknown };
    try {
      json = JSON.parse(res.text) as { reason?: unknown };
    } catch {
      throw new Error(
        `${what}: ${res.status} without a JSON body: ${JSON.stringify(res.text.slice(0, 200))}`,
      );
    }
    if (typeof json.reason !== 'string' || json.reason.trim() === '')
      throw new Error(`${what}: ${res.status} without a reason: ${res.text.slice(0, 200)}`);
  }
}
