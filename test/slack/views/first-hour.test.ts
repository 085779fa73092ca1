/**
 * Message formats an operator reads in the first hour (#19): one human duration format, times in
 * each reader's zone (Slack's date token, UTC fallback), channels mentioned in Slack, and a
 * break-glass proposal nobody can take for an ordinary one.
 */
import { describe, expect, it } from '@jest/globals';
import { humanDuration } from '../../../src/core/duration.js';
import { channelMentions, progressView, proposalView, slackTime } from '../../../src/slack/views/index.js';
import {
  CREATED_AT,
  FIXTURE_NOW,
  makeIncident,
  makeRunIncident,
  makeSteps,
} from '../../helpers/incidents.js';
import { blockText, buttons } from './helpers.js';

describe('one human duration format', () => {
  it.each([
    [0, '0 ms'],
    [45, '45 ms'],
    [1003, '1 s'],
    [2064, '2.1 s'],
    [9_960, '10 s'],
    [41_000, '41 s'],
    [65_000, '1 m 05 s'],
    [3_599_000, '59 m 59 s'],
    [7_500_000, '2 h 05 m'],
    [3 * 86_400_000 + 4 * 3_600_000, '3 d 4 h'],
  ])('%d ms → %s', (ms, text) => expect(humanDuration(ms)).toBe(text));

  it('is what step lines show ("held 2.1 s of 4 s", not "2s64ms")', () => {
    const steps = makeSteps({ 'wait-rollout': 'running', health: 'pending' });
    const shown = blockText(
      progressView(makeRunIncident('running', steps), { now: CREATED_AT + 65_000 }).blocks,
    );
    expect(shown).not.toMatch(/\d+s\d+ms|\d+m \d+s\b/);
    expect(shown).toMatch(/— \d+(\.\d)? s/);
  });
});

describe('times in each reader’s own zone', () => {
  it('Slack date tokens with the UTC time as fallback, seconds when asked', () => {
    const at = Date.parse('2026-03-10T14:03:11Z');
    expect(slackTime(at, { now: FIXTURE_NOW })).toBe(`<!date^${at / 1000}^{time}|14:03 UTC>`);
    expect(slackTime(at, { seconds: true, now: FIXTURE_NOW })).toBe(
      `<!date^${at / 1000}^{time_secs}|14:03:11 UTC>`,
    );
    expect(slackTime(at, { now: at + 86_400_000 })).toBe(
      `<!date^${at / 1000}^{date_short_pretty} {time}|2026-03-10 14:03 UTC>`,
    );
  });

  it('the approvals on a running rollback are dated that way', () => {
    const shown = blockText(progressView(makeRunIncident('running'), { now: FIXTURE_NOW }).blocks);
    expect(shown).toMatch(/Approved by <@U0BOB> at <!date\^\d+\^\{time_secs\}\|14:00:59 UTC>/);
  });
});

describe('channels in Slack are mentions', () => {
  it('"posted to channel C0PAYMENTS" becomes <#C0PAYMENTS>; other words stay', () => {
    expect(channelMentions('posted to channel C0PAYMENTS')).toBe('posted to <#C0PAYMENTS>');
    expect(channelMentions('already posted to channel G0PRIVATE1')).toBe('already posted to <#G0PRIVATE1>');
    expect(channelMentions('the channel is busy')).toBe('the channel is busy');
  });

  it('a slack.notify step summary in the progress message mentions the channel', () => {
    const steps = makeSteps({ 'wait-rollout': 'succeeded', health: 'succeeded' });
    steps[2]!.summary = 'posted to channel C0PAYMENTS';
    const shown = blockText(progressView(makeRunIncident('succeeded', steps), { now: FIXTURE_NOW }).blocks);
    expect(shown).toContain('posted to <#C0PAYMENTS>');
    expect(shown).not.toContain('channel C0PAYMENTS');
  });
});

describe('a break-glass proposal is unmistakable', () => {
  const emergency = proposalView(
    makeIncident({ emergency: true, requester: { id: 'U0ALICE' }, reason: 'site down' }),
    { now: FIXTURE_NOW },
  );
  const ordinary = proposalView(makeIncident({ requester: { id: 'U0ALICE' } }), { now: FIXTURE_NOW });

  it('its own header, a banner and a divider before anything else, a red Approve', () => {
    expect(emergency.blocks[0]).toMatchObject({
      type: 'header',
      text: { text: ':rotating_light: EMERGENCY break-glass rollback: payments-api :rotating_light:' },
    });
    expect(emergency.blocks[1]).toMatchObject({
      type: 'section',
      text: { text: expect.stringContaining(':fire: *EMERGENCY (break-glass)*') },
    });
    expect(emergency.blocks[2]).toEqual({ type: 'divider' });
    expect(buttons(emergency.blocks)[0]).toMatchObject({
      style: 'danger',
      text: { text: 'Approve (break-glass)' },
    });
    expect(emergency.text).toMatch(/^:rotating_light: EMERGENCY break-glass rollback: payments-api/);
  });

  it('none of which an ordinary proposal has', () => {
    expect(JSON.stringify(ordinary.blocks)).not.toMatch(/EMERGENCY|break-glass rollback|"danger"/);
    expect(buttons(ordinary.blocks)[0]?.style).toBe('primary');
  });
});
