/**
 * One escaping helper, per outlet (src/core/text.ts), on the text people actually type: Slack's
 * special sequences, ampersands, backticks and code fences. Each outlet must show the words as
 * typed — no mention, link or code block springs from them — and escape them exactly once.
 */
import { BACKTICK_LOOKALIKE, decodeSlackEntities, escapeText } from '../../src/core/text.js';

const NASTY = 'errors > 5% & rising <!channel> <@U0BOB> <https://x.example|click me> `rm -rf` ```fence```';

describe('escapeText', () => {
  test('Slack command text arrives entity-escaped; decoding gives back exactly what was typed', () => {
    const asSlackSends = NASTY.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    expect(decodeSlackEntities(asSlackSends)).toBe(NASTY);
    // A literal "&lt;" typed by a person survives the round trip.
    expect(decodeSlackEntities('&amp;lt;')).toBe('&lt;');
  });

  test('mrkdwn: no live mention, link or code; & < > once; backticks become a look-alike', () => {
    const out = escapeText('mrkdwn', NASTY);
    expect(out).not.toMatch(/[<>`]/);
    expect(out).not.toContain('&amp;amp;');
    expect(out).toBe(
      `errors &gt; 5% &amp; rising &lt;!channel&gt; &lt;@U0BOB&gt; &lt;https://x.example|click me&gt; ${BACKTICK_LOOKALIKE}rm -rf${BACKTICK_LOOKALIKE} ${BACKTICK_LOOKALIKE.repeat(3)}fence${BACKTICK_LOOKALIKE.repeat(3)}`,
    );
    // Escaping what is already escaped would show entities to the reader: escape once only.
    expect(decodeSlackEntities(out).replaceAll(BACKTICK_LOOKALIKE, '`')).toBe(NASTY);
  });

  test('inside a Slack code block: entities once (Slack parses them there too), no fence can close it', () => {
    const out = escapeText('slack-code', NASTY);
    expect(out).not.toMatch(/[<>]/);
    expect(out).not.toContain('```');
    expect(out).toContain('&lt;!channel&gt; &lt;@U0BOB&gt;');
    expect(out).toContain('`rm -rf`'); // a single backtick cannot end a block: kept as typed
  });

  test('plain text (Slack plain_text objects): verbatim, since Slack parses nothing there; control characters go', () => {
    expect(escapeText('plain', NASTY)).toBe(NASTY);
    expect(escapeText('plain', 'a\u0000b\u0007c\nd')).toBe('abc\nd');
  });

  test('Markdown (GitHub, the postmortem file): no HTML, no @mention, no code, link or table break', () => {
    const out = escapeText('markdown', `${NASTY} | @alice [x](y) *b* _i_ #1`);
    expect(out.replaceAll('&#64;', '')).not.toMatch(/(^|[^\\])[`*_[\]|]/);
    expect(escapeText('markdown', '# not a heading\n- nor a list\n1. item')).toBe(
      '\\# not a heading\n\\- nor a list\n\\1. item',
    );
    expect(out).not.toMatch(/[<>@]/);
    expect(out).toContain('&lt;!channel&gt;');
    expect(out).toContain('&lt;&#64;U0BOB&gt;');
    expect(out).toContain('\\`rm -rf\\`');
    expect(out).toContain('\\`\\`\\`fence\\`\\`\\`');
    expect(out).toContain('&#64;alice \\[x\\](y) \\*b\\* \\_i\\_ #1');
    expect(out).toContain('errors &gt; 5% &amp; rising');
  });
});
