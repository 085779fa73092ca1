import { renderMessage, validateBlocks } from '../../src/slack/index.js';

const button = (text: string, extra: Record<string, unknown> = {}) => ({
  type: 'button',
  action_id: `a-${text}`,
  text: { type: 'plain_text', text },
  ...extra,
});
const confirm = (title: string) => ({
  title: { type: 'plain_text', text: title },
  text: { type: 'mrkdwn', text: 'sure?' },
  confirm: { type: 'plain_text', text: 'Yes' },
  deny: { type: 'plain_text', text: 'No' },
});

describe('validateBlocks (Block Kit limits from reference/slack.md)', () => {
  it.each([
    ['51 blocks', Array.from({ length: 51 }, () => ({ type: 'divider' }))],
    ['section text > 3000', [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } }]],
    [
      '> 10 fields',
      [{ type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) }],
    ],
    ['field > 2000', [{ type: 'section', fields: [{ type: 'mrkdwn', text: 'x'.repeat(2001) }] }]],
    ['actions > 25', [{ type: 'actions', elements: Array.from({ length: 26 }, (_, i) => button(`b${i}`)) }]],
    [
      'context > 10',
      [{ type: 'context', elements: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'c' })) }],
    ],
    ['block_id > 255', [{ type: 'divider', block_id: 'b'.repeat(256) }]],
    ['action_id > 255', [{ type: 'actions', elements: [{ ...button('x'), action_id: 'a'.repeat(256) }] }]],
    ['button text > 75', [{ type: 'actions', elements: [button('x'.repeat(76))] }]],
    ['button value > 2000', [{ type: 'actions', elements: [button('x', { value: 'v'.repeat(2001) })] }]],
    [
      'confirm title > 100',
      [{ type: 'actions', elements: [button('x', { confirm: confirm('t'.repeat(101)) })] }],
    ],
    [
      'two primary buttons',
      [{ type: 'actions', elements: [button('a', { style: 'primary' }), button('b', { style: 'primary' })] }],
    ],
    ['unknown block type', [{ type: 'sparkles' }]],
    [
      'duplicate block_id',
      [
        { type: 'divider', block_id: 'd' },
        { type: 'divider', block_id: 'd' },
      ],
    ],
    ['empty section', [{ type: 'section' }]],
  ])('refuses %s', (_name, blocks) => {
    expect(validateBlocks(blocks).length).toBeGreaterThan(0);
  });

  it('accepts a message at the limits', () => {
    const blocks = [
      { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(150) } },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: 'x'.repeat(3000) },
        fields: Array.from({ length: 10 }, () => ({ type: 'mrkdwn', text: 'f'.repeat(2000) })),
      },
      {
        type: 'actions',
        block_id: 'b'.repeat(255),
        elements: [
          button('a'.repeat(75), {
            style: 'primary',
            value: 'v'.repeat(2000),
            confirm: confirm('t'.repeat(100)),
          }),
          button('d', { style: 'danger' }),
        ],
      },
      { type: 'context', elements: Array.from({ length: 10 }, () => ({ type: 'mrkdwn', text: 'c' })) },
      ...Array.from({ length: 46 }, () => ({ type: 'divider' })),
    ];
    expect(validateBlocks(blocks)).toEqual([]);
  });

  it('points at the offending field like Slack does', () => {
    expect(
      validateBlocks([
        { type: 'divider' },
        { type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } },
      ]),
    ).toEqual(['[ERROR] must be less than 3001 characters [json-pointer:/blocks/1/text/text]']);
  });
});

describe('renderMessage', () => {
  it('renders a proposal as plain text', () => {
    const text = renderMessage(
      {
        text: 'fallback',
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: 'Rollback proposed' } },
          {
            type: 'section',
            text: {
              type: 'mrkdwn',
              text: '*payments-api* by <@U0ALICE>: <https://x.example/r|runbook> &amp; more',
            },
            fields: [{ type: 'mrkdwn', text: '*From*\nrev 3' }],
          },
          { type: 'divider' },
          {
            type: 'context',
            elements: [
              { type: 'mrkdwn', text: 'runbook v4' },
              { type: 'plain_text', text: 'incident inc-1' },
            ],
          },
          { type: 'actions', elements: [button('Approve', { style: 'primary' }), button('Dismiss')] },
        ],
      },
      { users: { U0ALICE: 'alice' } },
    );
    expect(text).toBe(
      [
        '== Rollback proposed ==',
        '*payments-api* by @alice: runbook (https://x.example/r) & more',
        '  *From* rev 3',
        '----------------------------------------',
        'runbook v4 · incident inc-1',
        '[ Approve ] [ Dismiss ]',
      ].join('\n'),
    );
    expect(renderMessage({ text: 'see <https://a.example>' })).toBe('see https://a.example');
  });
});
