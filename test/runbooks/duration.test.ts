import { formatDuration, parseDuration, tryParseDuration } from '../../src/runbooks/duration.js';
import { RollbotError } from '../../src/core/errors.js';

describe('durations', () => {
  test.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['10m', 600_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1h30m', 5_400_000],
    ['1.5s', 1_500],
    ['0', 0],
  ])('%s = %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  test.each(['', '30', '30 s', '10min', '-5s', '1h 30m', 's'])('%j is refused with a hint', (text) => {
    expect(tryParseDuration(text)).toBeUndefined();
    expect(() => parseDuration(text)).toThrow(RollbotError);
    try {
      parseDuration(text);
    } catch (err) {
      expect((err as RollbotError).hint).toMatch(/30s/);
    }
  });

  test('formatDuration writes the largest units and round-trips', () => {
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(1_500)).toBe('1s500ms');
    expect(formatDuration(0)).toBe('0s');
    for (const ms of [1, 999, 61_000, 3_600_000, 90_061_001])
      expect(parseDuration(formatDuration(ms))).toBe(ms);
  });
});
