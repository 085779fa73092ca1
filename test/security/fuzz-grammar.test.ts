/**
 * Property-based fuzzing of the `/rollback` grammar (pure): whatever a person types, the parser
 * returns a command or a refusal with a message; never throws; accepted commands are well formed
 * and survive a round trip through their canonical text.
 */
import fc from 'fast-check';
import { parseRollbackCommand, type RollbackCommand } from '../../src/slack/command-grammar.js';
import { FUZZ_BUDGET } from './fuzz-budget.js';

const SERVICE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

function checkResult(text: string): void {
  let result: ReturnType<typeof parseRollbackCommand>;
  try {
    result = parseRollbackCommand(text);
  } catch (err) {
    throw new Error(`parser threw on ${JSON.stringify(text.slice(0, 200))}: ${String(err)}`);
  }
  if (!result.ok) {
    expect(typeof result.error).toBe('string');
    expect(result.error.trim().length).toBeGreaterThan(0);
    return;
  }
  assertWellFormed(result.command);
  // canonical text → same command
  const again = parseRollbackCommand(canonical(result.command));
  expect(again).toEqual({ ok: true, command: result.command });
}

function assertWellFormed(c: RollbackCommand): void {
  switch (c.kind) {
    case 'help':
      return;
    case 'status':
      if (c.service !== undefined) expect(c.service).toMatch(SERVICE);
      return;
    case 'history':
    case 'cancel':
      expect(c.service).toMatch(SERVICE);
      return;
    case 'rollback':
      expect(c.service).toMatch(SERVICE);
      expect(['status', 'history', 'cancel', 'help']).not.toContain(c.service);
      if (c.toRevision !== undefined) {
        // a revision that is not exactly representable would roll back to a different revision
        expect(Number.isSafeInteger(c.toRevision)).toBe(true);
        expect(c.toRevision).toBeGreaterThanOrEqual(1);
      }
      if (c.toImageTag !== undefined) expect(c.toImageTag).toMatch(TAG);
      expect(c.toRevision !== undefined && c.toImageTag !== undefined).toBe(false);
      if (c.reason !== undefined) {
        expect(c.reason.length).toBeGreaterThan(0);
        expect(c.reason.length).toBeLessThanOrEqual(500);
      }
      if (c.emergency) expect(c.reason).toBeDefined();
  }
}

function canonical(c: RollbackCommand): string {
  switch (c.kind) {
    case 'help':
      return 'help';
    case 'status':
      return c.service ? `status ${c.service}` : 'status';
    case 'history':
    case 'cancel':
      return `${c.kind} ${c.service}`;
    case 'rollback': {
      const parts = [c.service];
      if (c.toRevision !== undefined) parts.push('to', String(c.toRevision));
      if (c.toImageTag !== undefined) parts.push('to', c.toImageTag);
      if (c.emergency) parts.push('--emergency');
      if (c.reason !== undefined) parts.push('because', c.reason);
      return parts.join(' ');
    }
  }
}

// Text as people (and their clipboards) produce it: any unicode, control characters, huge pastes.
const anyText = fc.oneof(
  { weight: 5, arbitrary: fc.string({ unit: 'grapheme', maxLength: 80 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.string({ minLength: 400, maxLength: 6000 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '\n',
      '\t',
      '\u00a0',
      '\u2028',
      'because',
      'to',
      '--emergency',
      '\u0000',
    ),
  },
);

// Sentences built from the grammar's own words, so most of them get deep into the parser.
const word = fc.oneof(
  fc.constantFrom(
    'payments-api',
    'checkout-web',
    'payments',
    'a',
    '0',
    'x-',
    '-x',
    'Payments',
    'status',
    'history',
    'cancel',
    'help',
  ),
  fc.constantFrom('to', 'to', 'because', '--emergency', '--EMERGENCY', '—emergency', 'to:', 'To'),
  fc.constantFrom(
    '41',
    '0',
    '00',
    '1',
    '-1',
    '1.4.2',
    'v1.4.2',
    '.hidden',
    '1e3',
    '99999999999999999999999',
    'latest',
    'sha256:abc',
  ),
  fc.stringMatching(/^[a-z0-9-]{1,20}$/),
  fc.stringMatching(/^[A-Za-z0-9_.-]{1,140}$/),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
);
const space = fc.constantFrom(' ', '  ', '\t', '\n', '\u00a0', '\u3000', ' \r\n ');
const freeSentence = fc
  .tuple(fc.array(fc.tuple(word, space), { minLength: 0, maxLength: 9 }), fc.constantFrom('', ' ', '\n'))
  .map(([pairs, end]) => pairs.map(([w, s]) => w + s).join('') + end);
// `<service> to <target> [--emergency] [because …]` with targets at the edges of number and tag.
const target = fc.oneof(
  fc.bigInt({ min: 0n, max: 10n ** 30n }).map(String),
  fc.stringMatching(/^0*[0-9]{1,20}$/),
  fc.stringMatching(/^[A-Za-z0-9_.+:-]{1,140}$/),
);
const rollbackSentence = fc
  .tuple(
    fc.stringMatching(/^[a-z0-9-]{1,30}$/),
    target,
    fc.boolean(),
    fc.option(fc.string({ maxLength: 600 })),
  )
  .map(
    ([svc, t, emergency, reason]) =>
      `${svc} to ${t}${emergency ? ' --emergency' : ''}${reason === null ? '' : ` because ${reason}`}`,
  );
const sentence = fc.oneof(freeSentence, rollbackSentence);

describe('/rollback grammar fuzz (pure)', () => {
  test(`arbitrary text: a command or a refusal with a message (${FUZZ_BUDGET.grammarArbitraryText} cases)`, () => {
    let runs = 0;
    fc.assert(
      fc.property(anyText, (text) => {
        runs++;
        checkResult(text);
      }),
      { numRuns: FUZZ_BUDGET.grammarArbitraryText },
    );
    expect(runs).toBe(FUZZ_BUDGET.grammarArbitraryText);
  });

  test(`sentences from the grammar's words round-trip or are refused with a message (${FUZZ_BUDGET.grammarTokens} cases)`, () => {
    let runs = 0;
    let accepted = 0;
    fc.assert(
      fc.property(sentence, (text) => {
        runs++;
        checkResult(text);
        if (parseRollbackCommand(text).ok) accepted++;
      }),
      { numRuns: FUZZ_BUDGET.grammarTokens },
    );
    expect(runs).toBe(FUZZ_BUDGET.grammarTokens);
    // the generator reaches the accepting paths too, not only refusals
    expect(accepted).toBeGreaterThan(FUZZ_BUDGET.grammarTokens / 20);
  });
});
