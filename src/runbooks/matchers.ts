/**
 * Alertmanager label matchers (`name="value"`, `!=`, `=~`, `!~`), parsed and evaluated the way
 * Alertmanager's classic parser does (prometheus/alertmanager `pkg/labels/parse.go`,
 * `matcher.go`): the value may be double-quoted, OpenMetrics escapes (`\"`, `\n`, `\\`) apply
 * inside it, regexes are fully anchored (`^(?:re)$`), and a missing label matches as "".
 */
import { RollbotError } from '../core/errors.js';

export type MatchType = '=' | '!=' | '=~' | '!~';
export type Labels = Readonly<Record<string, string | undefined>>;

export interface Matcher {
  readonly name: string;
  readonly type: MatchType;
  readonly value: string;
  /** Whether a label value (`""` for a missing label) satisfies this matcher. */
  matches(labelValue: string): boolean;
  /** Canonical text form, e.g. `severity=~"critical|page"`. */
  toString(): string;
}

export const MATCHER_HINT =
  'write name="value", name!="value", name=~"regex" or name!~"regex" (Alertmanager matcher syntax)';

// '=~' before '=' so the '~' is not taken as part of the value (same order as Alertmanager).
const MATCHER_RE = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*([\s\S]*?)\s*$/;

function bad(message: string): RollbotError {
  return new RollbotError('bad_input', message, { hint: MATCHER_HINT });
}

/**
 * Compiles a Go RE2 pattern as an anchored JavaScript RegExp. The syntaxes agree on what alert
 * matchers use (alternation, classes, repetition); a leading `(?i)` / `(?s)` flag group, which
 * JavaScript (Node 20) cannot write inline, becomes a RegExp flag.
 */
function compileAnchored(pattern: string): RegExp {
  let flags = '';
  let body = pattern;
  const inline = /^\(\?([is]+)\)/.exec(body);
  if (inline) {
    flags = [...new Set(inline[1]!)].join('');
    body = body.slice(inline[0].length);
  }
  try {
    return new RegExp(`^(?:${body})$`, flags);
  } catch (err) {
    throw bad(`invalid regular expression ${JSON.stringify(pattern)}: ${(err as Error).message}`);
  }
}

function escapeValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

export function newMatcher(type: MatchType, name: string, value: string): Matcher {
  const re = type === '=~' || type === '!~' ? compileAnchored(value) : undefined;
  const matches = (s: string): boolean => {
    switch (type) {
      case '=':
        return s === value;
      case '!=':
        return s !== value;
      case '=~':
        return re!.test(s);
      case '!~':
        return !re!.test(s);
    }
  };
  const text = `${name}${type}"${escapeValue(value)}"`;
  return Object.freeze({ name, type, value, matches, toString: () => text });
}

/** Parses one matcher; throws a `bad_input` RollbotError with Alertmanager's wording. */
export function parseMatcher(text: string): Matcher {
  const m = MATCHER_RE.exec(text);
  if (!m) throw bad(`bad matcher format: ${text}`);
  const [, name, type, raw] = m as unknown as [string, string, MatchType, string];
  let rawValue = raw;
  let expectTrailingQuote = false;
  if (rawValue.startsWith('"')) {
    rawValue = rawValue.slice(1);
    expectTrailingQuote = true;
  }
  let value = '';
  let escaped = false;
  for (let i = 0; i < rawValue.length; i++) {
    const c = rawValue[i]!;
    if (escaped) {
      escaped = false;
      if (c === 'n') value += '\n';
      else if (c === '"' || c === '\\') value += c;
      else value += '\\' + c; // a spurious escape: the backslash is literal
      continue;
    }
    if (c === '\\') {
      if (i < rawValue.length - 1) escaped = true;
      else value += '\\'; // trailing backslash is literal
    } else if (c === '"') {
      if (!expectTrailingQuote || i < rawValue.length - 1) {
        throw bad(`matcher value contains unescaped double quote: ${raw}`);
      }
      expectTrailingQuote = false;
    } else {
      value += c;
    }
  }
  if (expectTrailingQuote) throw bad(`matcher value contains unescaped double quote: ${raw}`);
  return newMatcher(type, name, value);
}

/**
 * Parses a comma-separated list (`{a="b", c=~"d"}`; braces optional, commas inside quotes kept,
 * a trailing comma allowed), as Alertmanager's `ParseMatchers`.
 */
export function parseMatchers(text: string): Matcher[] {
  let s = text;
  if (s.startsWith('{')) s = s.slice(1);
  if (s.endsWith('}')) s = s.slice(0, -1);
  const tokens: string[] = [];
  let token = '';
  let insideQuotes = false;
  let escaped = false;
  for (const c of s) {
    if (c === ',' && !insideQuotes) {
      tokens.push(token);
      token = '';
      continue;
    }
    if (c === '"') {
      if (!escaped) insideQuotes = !insideQuotes;
      else escaped = false;
    } else if (c === '\\') {
      escaped = !escaped;
    } else {
      escaped = false;
    }
    token += c;
  }
  if (token.trim() !== '') tokens.push(token.trim());
  return tokens.map(parseMatcher);
}

/** True when every matcher accepts `labels` (AND); a missing label counts as "". */
export function matchesAll(matchers: readonly Matcher[], labels: Labels): boolean {
  return matchers.every((m) => m.matches(labels[m.name] ?? ''));
}
