/**
 * Property-based fuzzing of runbook YAML (pure): `parseRunbook` on mutated versions of
 * runbooks/payments-api.yaml and on random YAML never throws, and every refusal carries a message,
 * a hint and a line/column inside the file.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parse as parseYaml, stringify } from 'yaml';
import { parseRunbook } from '../../src/runbooks/load.js';
import { FUZZ_BUDGET } from './fuzz-budget.js';
import { mutated } from './mutate.js';

const ORIGINAL = readFileSync(new URL('../../runbooks/payments-api.yaml', import.meta.url), 'utf8');
const LINES = ORIGINAL.split('\n');
const DATA = parseYaml(ORIGINAL) as Record<string, unknown>;

function check(text: string): boolean {
  let result: ReturnType<typeof parseRunbook>;
  try {
    result = parseRunbook(text, 'fuzz.yaml');
  } catch (err) {
    throw new Error(`parseRunbook threw: ${String(err)}\n--- input ---\n${text.slice(0, 300)}`);
  }
  if (result.ok) return true;
  expect(result.errors.length).toBeGreaterThan(0);
  const lineCount = text.split('\n').length;
  for (const e of result.errors) {
    expect(e.file).toBe('fuzz.yaml');
    expect(typeof e.message).toBe('string');
    expect(e.message.trim()).not.toBe('');
    expect(typeof e.hint).toBe('string');
    expect(Number.isInteger(e.line) && e.line >= 1 && e.line <= lineCount + 1).toBe(true);
    expect(Number.isInteger(e.column) && e.column >= 1).toBe(true);
  }
  return false;
}

// --- structural mutations of the parsed runbook, written back as YAML ---
const weirdValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(
    '',
    ' ',
    '0s',
    '-1m',
    '99999999999h',
    '1h30m',
    'NaN',
    '{{ env.SLACK_BOT_TOKEN }}',
    '{{',
    'C0PAYMENTS',
    'U0BOB',
    'k8s.rolloutUndo',
    'nope.step',
    'x'.repeat(5000),
  ),
  fc.integer(),
  fc.double(),
  fc.constant(null),
);
// Structural edits at paths drawn from the runbook's own shape (shared with the webhook fuzz).
const mutatedDoc = mutated(DATA, 4, weirdValue).map((doc) => stringify(doc));

// --- textual mutations of the file as people break it: lines, indentation, characters ---
type LineOp =
  | { kind: 'delete'; at: number }
  | { kind: 'duplicate'; at: number }
  | { kind: 'swap'; at: number; with: number }
  | { kind: 'indent'; at: number; by: string }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'char'; at: number; col: number; ch: string }
  | { kind: 'truncate'; at: number };
const line = fc.nat({ max: LINES.length - 1 });
const lineOp: fc.Arbitrary<LineOp> = fc.oneof(
  line.map((at) => ({ kind: 'delete' as const, at })),
  line.map((at) => ({ kind: 'duplicate' as const, at })),
  fc.tuple(line, line).map(([at, w]) => ({ kind: 'swap' as const, at, with: w })),
  fc
    .tuple(line, fc.constantFrom('', ' ', '  ', '\t', '    ', '-', '- '))
    .map(([at, by]) => ({ kind: 'indent' as const, at, by })),
  fc
    .tuple(
      line,
      fc.oneof(
        fc.string({ maxLength: 40 }),
        fc.constantFrom(
          '---',
          '...',
          '&a x',
          '*a',
          '!!binary aGk=',
          'k: [',
          'k: {',
          '"',
          "'",
          '? x',
          '%YAML 1.2',
          'a: *undefined_alias',
          '<<: *a',
        ),
      ),
    )
    .map(([at, text]) => ({ kind: 'insert' as const, at, text })),
  fc
    .tuple(line, fc.nat({ max: 120 }), fc.string({ unit: 'binary', minLength: 1, maxLength: 2 }))
    .map(([at, col, ch]) => ({ kind: 'char' as const, at, col, ch })),
  line.map((at) => ({ kind: 'truncate' as const, at })),
);
function applyLines(ops: LineOp[]): string {
  const lines = [...LINES];
  for (const o of ops) {
    const at = Math.min(o.at, Math.max(0, lines.length - 1));
    switch (o.kind) {
      case 'delete':
        lines.splice(at, 1);
        break;
      case 'duplicate':
        lines.splice(at, 0, lines[at] ?? '');
        break;
      case 'swap': {
        const w = Math.min(o.with, lines.length - 1);
        [lines[at], lines[w]] = [lines[w] ?? '', lines[at] ?? ''];
        break;
      }
      case 'indent':
        lines[at] = o.by + (lines[at] ?? '');
        break;
      case 'insert':
        lines.splice(at, 0, o.text);
        break;
      case 'char': {
        const l = lines[at] ?? '';
        const col = Math.min(o.col, l.length);
        lines[at] = l.slice(0, col) + o.ch + l.slice(col + 1);
        break;
      }
      case 'truncate':
        lines.length = at;
        break;
    }
  }
  return lines.join('\n');
}
const mutatedText = fc.array(lineOp, { minLength: 1, maxLength: 3 }).map(applyLines);

// --- random YAML: any JSON-ish document, anything at all, and YAML's odd corners ---
const randomYaml = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => stringify(v)),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.constantFrom(
    '',
    '\n',
    '---\n---\n',
    '~',
    'null',
    '[]',
    '{}',
    '&a [*a]',
    'a: &a\n  b: *a\n',
    '- - - - - - - - - -',
    '"\\u0000"',
    'x: !!js/function "f"',
    'x: 0x1F\ny: 1_000',
    'name: [x',
  ),
  fc
    .dictionary(
      fc.constantFrom(
        'name',
        'version',
        'service',
        'target',
        'steps',
        'approval',
        'match',
        'channel',
        'timeout',
        'verification',
        'bogus',
      ),
      fc.jsonValue({ maxDepth: 2 }),
    )
    .map((v) => stringify(v)),
);

describe('runbook YAML fuzz (pure parseRunbook)', () => {
  test('the original runbook parses', () => {
    expect(parseRunbook(ORIGINAL, 'payments-api.yaml').ok).toBe(true);
  });

  // Too slow to draw thousands of times (YAML parsing is ~5 ms a file), so checked once each.
  test('pathological documents: deep nesting, alias bombs, undefined aliases', () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      ...Array.from(
        { length: 8 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9)
            .fill(`*${String.fromCharCode(97 + i)}`)
            .join(',')}]`,
      ),
    ].join('\n');
    for (const text of [
      '['.repeat(5000),
      `${'a:\n  '.repeat(200)}b`,
      '{'.repeat(3000) + '}'.repeat(3000),
      bomb,
      `${ORIGINAL}\nx: *nope\n`,
    ]) {
      expect(check(text)).toBe(false);
    }
  });

  test(`structurally mutated payments-api runbooks (${FUZZ_BUDGET.runbookMutatedYaml} cases)`, () => {
    let runs = 0;
    let refused = 0;
    fc.assert(
      fc.property(mutatedDoc, (text) => {
        runs++;
        if (!check(text)) refused++;
      }),
      { numRuns: FUZZ_BUDGET.runbookMutatedYaml },
    );
    expect(runs).toBe(FUZZ_BUDGET.runbookMutatedYaml);
    expect(refused).toBeGreaterThan(runs / 4);
  });

  test(`line-level edits of the file (${FUZZ_BUDGET.runbookLineMutations} cases)`, () => {
    let runs = 0;
    fc.assert(
      fc.property(mutatedText, (text) => {
        runs++;
        check(text);
      }),
      { numRuns: FUZZ_BUDGET.runbookLineMutations },
    );
    expect(runs).toBe(FUZZ_BUDGET.runbookLineMutations);
  });

  test(`random YAML documents (${FUZZ_BUDGET.runbookRandomYaml} cases)`, () => {
    let runs = 0;
    fc.assert(
      fc.property(randomYaml, (text) => {
        runs++;
        expect(check(text)).toBe(false);
      }),
      { numRuns: FUZZ_BUDGET.runbookRandomYaml },
    );
    expect(runs).toBe(FUZZ_BUDGET.runbookRandomYaml);
  });
});
