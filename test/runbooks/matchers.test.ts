import { RollbotError } from '../../src/core/errors.js';
import { matchesAll, parseMatcher, parseMatchers } from '../../src/runbooks/matchers.js';

describe('Alertmanager matchers', () => {
  test('parses the four operators, quoted or not, with surrounding whitespace', () => {
    expect(parseMatcher('service="payments-api"')).toMatchObject({
      name: 'service',
      type: '=',
      value: 'payments-api',
    });
    expect(parseMatcher(' env != prod ')).toMatchObject({ name: 'env', type: '!=', value: 'prod' });
    expect(parseMatcher('severity=~"critical|page"')).toMatchObject({ type: '=~', value: 'critical|page' });
    expect(parseMatcher('code!~5..')).toMatchObject({ type: '!~', value: '5..' });
    expect(parseMatcher('empty=""')).toMatchObject({ value: '' });
    expect(parseMatcher('empty=')).toMatchObject({ value: '' });
  });

  test('unescapes as Alertmanager: \\" \\n \\\\, a spurious escape stays literal', () => {
    expect(parseMatcher('q="She said: \\"Hi\\""').value).toBe('She said: "Hi"');
    expect(parseMatcher('q="a\\nb"').value).toBe('a\nb');
    expect(parseMatcher('q="back\\\\slash"').value).toBe('back\\slash');
    expect(parseMatcher('q="\\d+"').value).toBe('\\d+');
    expect(parseMatcher('q=trailing\\').value).toBe('trailing\\');
  });

  test.each([
    ['service', /bad matcher format/],
    ['1abc="x"', /bad matcher format/],
    ['service="x', /unescaped double quote/],
    ['service="a"b"', /unescaped double quote/],
    ['service=~"(crit"', /invalid regular expression/],
  ])('%j is refused', (text, message) => {
    expect(() => parseMatcher(text)).toThrow(RollbotError);
    expect(() => parseMatcher(text)).toThrow(message);
  });

  test('= and != compare exactly', () => {
    expect(parseMatcher('a="x"').matches('x')).toBe(true);
    expect(parseMatcher('a="x"').matches('xy')).toBe(false);
    expect(parseMatcher('a!="x"').matches('y')).toBe(true);
    expect(parseMatcher('a!="x"').matches('x')).toBe(false);
  });

  test('regexes are fully anchored', () => {
    const m = parseMatcher('severity=~"critical|page"');
    expect(m.matches('critical')).toBe(true);
    expect(m.matches('page')).toBe(true);
    expect(m.matches('noncritical')).toBe(false);
    expect(m.matches('critical-ish')).toBe(false);
    const not = parseMatcher('code!~"5.."');
    expect(not.matches('503')).toBe(false);
    expect(not.matches('5030')).toBe(true);
    expect(parseMatcher('a=~"(?i)PAGE"').matches('page')).toBe(true);
  });

  test('a missing label is the empty string, as in Alertmanager', () => {
    expect(matchesAll([parseMatcher('team=""')], {})).toBe(true);
    expect(matchesAll([parseMatcher('team!="x"')], {})).toBe(true);
    expect(matchesAll([parseMatcher('team=~".*"')], {})).toBe(true);
    expect(matchesAll([parseMatcher('team=~".+"')], {})).toBe(false);
    expect(matchesAll([parseMatcher('team!~".+"')], {})).toBe(true);
    expect(matchesAll([parseMatcher('team="x"')], {})).toBe(false);
  });

  test('parseMatchers splits on commas outside quotes; braces and a trailing comma are optional', () => {
    const ms = parseMatchers('{foo = "bar", dings != "bums", }');
    expect(ms.map(String)).toEqual(['foo="bar"', 'dings!="bums"']);
    expect(parseMatchers('q="a, b",x=y').map((m) => m.value)).toEqual(['a, b', 'y']);
    expect(matchesAll(ms, { foo: 'bar', dings: 'x' })).toBe(true);
    expect(matchesAll(ms, { foo: 'bar', dings: 'bums' })).toBe(false);
  });
});
