/**
 * Turns zod issues into operator-facing lint messages and hints: unknown keys get a "did you
 * mean", step types list the allowed ones, unions report the branch the author was writing.
 * Positions are the loader's job (load.ts); this file only knows paths.
 */
import type { z } from 'zod';
import { CHECK_STEP_TYPES, STEP_TYPES } from './steps-schema.js';

export type IssuePath = (string | number)[];

export interface PathedMessage {
  path: IssuePath;
  /** The key itself is at fault (unknown key): point at the key, not its value. */
  atKey: boolean;
  message: string;
  hint: string;
}

export const SCHEMA_HINT = 'see runbooks/runbook.schema.json (`rollbot runbooks schema`)';

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

/** The closest of `candidates` to `word`, if it is plausibly a typo of it. */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

const toPath = (p: readonly PropertyKey[]): IssuePath =>
  p.map((s) => (typeof s === 'number' ? s : String(s)));

/**
 * Flattens zod issues into messages. `knownKeys` (every property name in the schema) feeds the
 * "did you mean"; `valueAt` reads the raw input so messages can quote what was written.
 */
export function describeIssues(
  issues: readonly z.core.$ZodIssue[],
  knownKeys: ReadonlySet<string>,
  valueAt: (path: IssuePath) => unknown,
  prefix: IssuePath = [],
): PathedMessage[] {
  const out: PathedMessage[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...toPath(issue.path)];
    const hint = (issue as { params?: { hint?: unknown } }).params?.hint;
    const given = valueAt(path);
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          const guess = suggest(key, knownKeys);
          out.push({
            path: [...path, key],
            atKey: true,
            message: `unknown key "${key}"`,
            hint: guess ? `did you mean "${guess}"?` : `remove it; ${SCHEMA_HINT}`,
          });
        }
        break;
      case 'invalid_union': {
        if ('discriminator' in issue && issue.discriminator === 'type') {
          const checksOnly = path.includes('verification');
          const allowed = checksOnly ? CHECK_STEP_TYPES : STEP_TYPES;
          const typeGiven = valueAt(path);
          const guess = typeof typeGiven === 'string' ? suggest(typeGiven, allowed) : undefined;
          out.push({
            path,
            atKey: typeGiven === undefined,
            message:
              typeGiven === undefined
                ? 'step has no "type"'
                : `unknown ${checksOnly ? 'verification check' : 'step'} type ${JSON.stringify(typeGiven)}`,
            hint: `${guess ? `did you mean "${guess}"? ` : ''}allowed: ${allowed.join(', ')}`,
          });
          break;
        }
        // Report the branch the author was evidently writing: the one whose root type matched.
        const branches = issue.errors.filter(
          (b) => !b.some((i) => i.path.length === 0 && i.code === 'invalid_type'),
        );
        if (given === undefined) {
          out.push({
            path,
            atKey: true,
            message: `missing required key "${String(path.at(-1))}"`,
            hint: `add it; ${SCHEMA_HINT}`,
          });
        } else if (branches.length === 1) {
          out.push(...describeIssues(branches[0]!, knownKeys, valueAt, path));
        } else {
          out.push({
            path,
            atKey: false,
            message: `invalid value ${JSON.stringify(given)}`,
            hint: SCHEMA_HINT,
          });
        }
        break;
      }
      case 'invalid_type':
        if (given === undefined) {
          out.push({
            path,
            atKey: true,
            message: `missing required key "${String(path.at(-1))}"`,
            hint: `add it; ${SCHEMA_HINT}`,
          });
        } else {
          const message = issue.message.startsWith('Invalid input')
            ? `expected ${issue.expected}, got ${given === null ? 'null' : Array.isArray(given) ? 'a list' : typeof given}`
            : issue.message;
          out.push({ path, atKey: false, message, hint: typeof hint === 'string' ? hint : SCHEMA_HINT });
        }
        break;
      case 'invalid_value':
        out.push({
          path,
          atKey: false,
          message: `invalid value ${JSON.stringify(given)}`,
          hint: `allowed: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`,
        });
        break;
      case 'too_small':
        out.push({
          path,
          atKey: false,
          message: issue.origin === 'array' && issue.minimum === 1 ? 'must not be empty' : issue.message,
          hint: typeof hint === 'string' ? hint : SCHEMA_HINT,
        });
        break;
      default:
        out.push({
          path,
          atKey: false,
          message: issue.message,
          hint: typeof hint === 'string' ? hint : SCHEMA_HINT,
        });
    }
  }
  return dropMissingExplainedByTypos(out);
}

/** `fromLabl:` gives "unknown key, did you mean fromLabel" and "missing fromLabel": keep the first. */
function dropMissingExplainedByTypos(messages: PathedMessage[]): PathedMessage[] {
  const typoFor = new Set(
    messages
      .filter((m) => m.message.startsWith('unknown key') && m.hint.startsWith('did you mean'))
      .map((m) => JSON.stringify([...m.path.slice(0, -1), /"(.*)"/.exec(m.hint)![1]])),
  );
  return messages.filter(
    (m) => !(m.message.startsWith('missing required key') && typoFor.has(JSON.stringify(m.path))),
  );
}
