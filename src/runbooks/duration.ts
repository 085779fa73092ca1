/**
 * Durations as people write them in runbooks: `500ms`, `30s`, `10m`, `2h`, `1d`, or a sequence
 * such as `1h30m` (Go's `time.ParseDuration` style, without signs). Everything downstream works
 * in milliseconds; `formatDuration` turns milliseconds back into the same notation.
 */
import { RollbotError } from '../core/errors.js';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type Unit = keyof typeof UNIT_MS;

/** The whole-string syntax, also exported as the JSON Schema `pattern` for editors. */
export const DURATION_PATTERN = '^(0|([0-9]+(\\.[0-9]+)?(ms|s|m|h|d))+)$';
const DURATION_RE = new RegExp(DURATION_PATTERN);
const PART_RE = /([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d)/g;

/** Milliseconds in `text`, or `undefined` when it is not a duration. */
export function tryParseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!DURATION_RE.test(trimmed)) return undefined;
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(PART_RE)) {
    total += Number(amount) * UNIT_MS[unit as Unit];
  }
  return Math.round(total);
}

/** Milliseconds in `text`; throws a `bad_input` RollbotError naming the accepted forms. */
export function parseDuration(text: string): number {
  const ms = tryParseDuration(text);
  if (ms === undefined) {
    throw new RollbotError('bad_input', `"${text}" is not a duration`, {
      hint: 'write a number and a unit (ms, s, m, h, d), e.g. 500ms, 30s, 10m, 2h or 1h30m',
    });
  }
  return ms;
}

/** `5_400_000` → `1h30m`, `1500` → `1s500ms`, `0` → `0s`. Round-trips through `parseDuration`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return '0s';
  let rest = Math.round(ms);
  let out = '';
  for (const unit of ['d', 'h', 'm', 's', 'ms'] as const) {
    const size = UNIT_MS[unit];
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}
