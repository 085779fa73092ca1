/**
 * `slack.notify`: post a message (default: the runbook's channel, in the incident's thread when
 * there is one). Posting is not idempotent, so it goes through the effect ledger: a resumed step
 * never posts twice.
 */
import type { SlackNotifyParams } from '../runbooks/steps-schema.js';
import type { StepImplementation } from './types.js';

export const slackNotify: StepImplementation<SlackNotifyParams> = {
  type: 'slack.notify',
  readOnly: false,
  defaultTimeoutMs: () => 30_000,
  async run(ctx) {
    const channel = ctx.params.channel ?? ctx.incident.channel;
    const threadTs = channel === ctx.incident.channel ? ctx.incident.slack?.ts : undefined;
    const outcome = await ctx.effects.once(() =>
      ctx.slack.postMessage({ channel, text: ctx.params.text, threadTs }),
    );
    if (!outcome.replayed)
      return { summary: `posted to channel ${channel}`, output: { channel, ts: outcome.result.ts } };
    if (outcome.uncertain) {
      return {
        summary: `not posted again to channel ${channel}: an earlier run stopped mid-post (it may or may not have arrived)`,
        output: { channel, uncertain: true },
        skipped: true,
      };
    }
    return {
      summary: `already posted to channel ${channel}`,
      output: { channel, ts: outcome.result.ts },
      skipped: true,
    };
  },
};
