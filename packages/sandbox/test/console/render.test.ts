/**
 * The console's Block Kit renderer (src/console/browser/render.ts), the module the page runs:
 * pure string work, so called here directly, without a browser.
 */
import * as R from '../../src/console/browser/render.js';

const ctx = (): R.RenderContext => ({
  users: { U0BOB: 'bob' },
  channels: { C0PAY: 'payments-oncall' },
  groups: { S0SRE: 'sre-oncall' },
  buttons: [],
});

describe('console renderer: mrkdwn', () => {
  test('bold, italic, strike, inline code and code blocks', () => {
    expect(R.mrkdwn('*bold* _it_ ~gone~ `x*y*`', ctx())).toBe(
      '<strong>bold</strong> <em>it</em> <del>gone</del> <code>x*y*</code>',
    );
    expect(R.mrkdwn('```\na <b>\n```', ctx())).toBe('<pre class="code">a &lt;b&gt;\n</pre>');
  });

  test('links, mentions and groups; a link label may hold code', () => {
    expect(R.mrkdwn('<https://x.test/a_b_c|*the* run>', ctx())).toBe(
      '<a href="https://x.test/a_b_c" target="_blank" rel="noopener noreferrer"><strong>the</strong> run</a>',
    );
    expect(R.mrkdwn('<https://x.test/c|`4a58329`> by <@U0BOB> in <#C0PAY> for <!subteam^S0SRE>', ctx())).toBe(
      '<a href="https://x.test/c" target="_blank" rel="noopener noreferrer"><code>4a58329</code></a> by <span class="mention">@bob</span> in <span class="mention">#payments-oncall</span> for <span class="mention">@sre-oncall</span>',
    );
  });

  test('escapes markup and refuses script links', () => {
    expect(R.mrkdwn('<img src=x onerror=alert(1)> &amp; <javascript:alert(1)|click>', ctx())).not.toMatch(
      /<img|<a /,
    );
    expect(R.mrkdwn('a &lt;b&gt; & "c"', ctx())).toBe('a &lt;b&gt; &amp; &quot;c&quot;');
  });

  test('emoji shortcodes, but not times', () => {
    expect(R.mrkdwn(':white_check_mark: at 14:03:11', ctx())).toBe('✅ at 14:03:11');
  });
});

describe('console renderer: blocks', () => {
  test('header, fields in two columns, context, divider and buttons with their confirm dialog', () => {
    const c = ctx();
    const html = R.messageBody(
      {
        channel: 'C0PAY',
        ts: '1.000100',
        text: 'fallback',
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: ':rotating_light: Rollback proposal' } },
          {
            type: 'section',
            fields: [
              { type: 'mrkdwn', text: '*Current*' },
              { type: 'mrkdwn', text: '*Target*' },
            ],
          },
          { type: 'context', elements: [{ type: 'mrkdwn', text: 'runbook v3' }] },
          { type: 'divider' },
          {
            type: 'actions',
            block_id: 'proposal:1',
            elements: [
              {
                type: 'button',
                action_id: 'rollback_approve',
                style: 'primary',
                value: 'inc-1',
                text: { type: 'plain_text', text: 'Approve' },
                confirm: { title: { type: 'plain_text', text: 'Sure?' } },
              },
              {
                type: 'button',
                action_id: 'rollback_dismiss',
                value: 'inc-1',
                text: { type: 'plain_text', text: 'Dismiss' },
              },
            ],
          },
        ],
      },
      c,
    );
    expect(html).toContain('<div class="b-header">🚨 Rollback proposal</div>');
    expect(html).toContain(
      '<div class="b-fields"><div class="b-field"><strong>Current</strong></div><div class="b-field"><strong>Target</strong></div></div>',
    );
    expect(html).toContain('<hr class="b-divider">');
    expect(html).toContain(
      'class="btn btn-primary" data-btn="0" data-action-id="rollback_approve">Approve</button>',
    );
    expect(html).not.toContain('fallback');
    expect(c.buttons).toEqual([
      {
        channel: 'C0PAY',
        ts: '1.000100',
        actionId: 'rollback_approve',
        blockId: 'proposal:1',
        value: 'inc-1',
        confirm: { title: { type: 'plain_text', text: 'Sure?' } },
        label: 'Approve',
      },
      {
        channel: 'C0PAY',
        ts: '1.000100',
        actionId: 'rollback_dismiss',
        blockId: 'proposal:1',
        value: 'inc-1',
        confirm: null,
        label: 'Dismiss',
      },
    ]);
  });
});
