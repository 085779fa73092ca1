/**
 * JSON.parse with a useful error: V8's messages only sometimes carry a position, and some quote
 * the input back. On failure a small RFC 8259 scanner finds the offset of the first bad byte, so
 * the 400 says where ("at position 17 (line 2, column 5)") and never echoes the body.
 */
export type JsonResult = { ok: true; value: unknown } | { ok: false; position: number; reason: string };

export function parseJson(text: string): JsonResult {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    const { position, expected } = locateJsonError(text);
    // The scanner found nothing wrong: V8 gave up for another reason (e.g. nesting too deep).
    if (position < 0) return { ok: false, position: 0, reason: `invalid JSON: ${expected}` };
    const { line, column } = lineColumn(text, position);
    const found = position >= text.length ? 'end of input' : `${JSON.stringify(text.charAt(position))}`;
    return {
      ok: false,
      position,
      reason: `invalid JSON at position ${position} (line ${line}, column ${column}): expected ${expected}, found ${found}`,
    };
  }
}

function lineColumn(text: string, position: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < position && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: position - lineStart + 1 };
}

class JsonSyntaxError {
  constructor(
    readonly position: number,
    readonly expected: string,
  ) {}
}

/** Offset of the first syntax error in `text` (which JSON.parse rejected). Iterative: no stack blow-up. */
export function locateJsonError(text: string): { position: number; expected: string } {
  let i = 0;
  const fail = (expected: string): never => {
    throw new JsonSyntaxError(i, expected);
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text.charAt(i))) i++;
  };
  const literal = (word: string) => {
    for (const ch of word) {
      if (text.charAt(i) !== ch) fail(`"${word}"`);
      i++;
    }
  };
  const string = () => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) fail('closing quote');
      const c = text.charCodeAt(i);
      if (c === 0x22) return void i++;
      if (c < 0x20) fail('escaped control character');
      if (c === 0x5c) {
        i++;
        const e = text.charAt(i);
        if (e === 'u') {
          i++;
          for (let k = 0; k < 4; k++, i++) if (!/[0-9a-fA-F]/.test(text.charAt(i))) fail('hex digit');
          continue;
        }
        if (!'"\\/bfnrt'.includes(e) || e === '') fail('escape character');
      }
      i++;
    }
  };
  const digits = () => {
    if (!/[0-9]/.test(text.charAt(i))) fail('digit');
    while (/[0-9]/.test(text.charAt(i))) i++;
  };
  const number = () => {
    if (text.charAt(i) === '-') i++;
    if (text.charAt(i) === '0') i++;
    else digits();
    if (text.charAt(i) === '.') {
      i++;
      digits();
    }
    if (text.charAt(i) === 'e' || text.charAt(i) === 'E') {
      i++;
      if (text.charAt(i) === '+' || text.charAt(i) === '-') i++;
      digits();
    }
  };
  // Stack of open containers: 'o' object, 'a' array. `afterValue` = just finished a value.
  const stack: ('o' | 'a')[] = [];
  const value = (): boolean => {
    ws();
    const c = text.charAt(i);
    if (c === '{') {
      i++;
      ws();
      if (text.charAt(i) === '}') return (void i++, true);
      stack.push('o');
      if (text.charAt(i) !== '"') fail('property name in double quotes');
      string();
      ws();
      if (text.charAt(i) !== ':') fail("':'");
      i++;
      return false;
    }
    if (c === '[') {
      i++;
      ws();
      if (text.charAt(i) === ']') return (void i++, true);
      stack.push('a');
      return false;
    }
    if (c === '"') string();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else if (c === '-' || /[0-9]/.test(c)) number();
    else fail('a JSON value');
    return true;
  };
  try {
    let done = value();
    for (;;) {
      if (!done) {
        done = value();
        continue;
      }
      ws();
      const top = stack[stack.length - 1];
      if (top === undefined) {
        if (i < text.length) fail('end of input');
        break;
      }
      const c = text.charAt(i);
      if (c === ',') {
        i++;
        if (top === 'o') {
          ws();
          if (text.charAt(i) !== '"') fail('property name in double quotes');
          string();
          ws();
          if (text.charAt(i) !== ':') fail("':'");
          i++;
        }
        done = false;
      } else if ((top === 'o' && c === '}') || (top === 'a' && c === ']')) {
        i++;
        stack.pop();
      } else fail(top === 'o' ? "',' or '}'" : "',' or ']'");
    }
  } catch (err) {
    if (err instanceof JsonSyntaxError) return { position: err.position, expected: err.expected };
    throw err;
  }
  return { position: -1, expected: 'nested too deeply or too large to parse' };
}
