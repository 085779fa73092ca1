import { describe, expect, it } from '@jest/globals';
import type { KnownBlock } from '@slack/types';
import {
  capLines,
  esc,
  formatDuration,
  link,
  packLines,
  truncate,
  validateBlocks,
} from '../../../src/slack/views/index.js';

describe('limits helpers', () => {
  it('truncates with an ellipsis and never leaves half an entity', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
    expect(esc('a<b>&c `x`')).toBe('a&lt;b&gt;&amp;c ˋxˋ');
    expect(esc('ab<<<<', 6)).toBe('ab…');
    expect(esc('ab<<<<', 6).length).toBeLessThanOrEqual(6);
  });

  it('caps lists with "and N more" without cutting a line', () => {
    expect(capLines(['a', 'b', 'c', 'd'], { maxChars: 100, maxLines: 2, noun: 'commits' })).toBe(
      'a\nb\n_and 2 more commits_',
    );
    const packed = packLines(
      Array.from({ length: 100 }, (_, i) => `line ${i}`),
      { maxChars: 50, maxChunks: 3, noun: 'steps' },
    );
    expect(packed).toHaveLength(3);
    expect(packed[2]).toMatch(/and \d+ more steps/);
    for (const p of packed) expect(p.length).toBeLessThanOrEqual(50);
  });

  it('makes links safe or drops them', () => {
    expect(link('https://x/a?b=1&c=<2>|', 'go')).toBe('<https://x/a?b=1&amp;c=%3C2%3E%7C|go>');
    expect(link('javascript:alert(1)', 'go')).toBe('go');
  });

  it('formats durations', () => {
    expect(formatDuration(2_064)).toBe('2.1 s');
    expect(formatDuration(12_300)).toBe('12 s');
    expect(formatDuration(41_000)).toBe('41 s');
    expect(formatDuration(72_000)).toBe('1 m 12 s');
  });

  it('validateBlocks reports each broken limit', () => {
    const blocks = [
      { type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } },
      { type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) },
      { type: 'context', elements: [] },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: 'a',
            style: 'primary',
            text: { type: 'plain_text', text: 'y'.repeat(76) },
          },
          {
            type: 'button',
            action_id: 'a',
            style: 'primary',
            text: { type: 'plain_text', text: 'ok' },
            confirm: { text: { type: 'plain_text', text: 'z'.repeat(301) } },
          },
        ],
      },
    ] as KnownBlock[];
    const problems = validateBlocks(blocks).join('\n');
    expect(problems).toContain('3001 chars > 3000');
    expect(problems).toContain('11 fields > 10');
    expect(problems).toContain('context has no elements');
    expect(problems).toContain('76 chars > 75');
    expect(problems).toContain('duplicate action_id a');
    expect(problems).toContain('confirm.text: text is 301 chars > 300');
    expect(problems).toContain('2 primary buttons > 1');
    expect(validateBlocks(Array.from({ length: 51 }, () => ({ type: 'divider' }) as KnownBlock))).toEqual([
      'message has 51 blocks > 50',
    ]);
  });
});
