/** `wait`: pause for a fixed duration (e.g. let caches drain). Resuming waits the full time again. */
import { humanDuration as formatDuration } from '../core/duration.js';
import type { WaitParams } from '../runbooks/steps-schema.js';
import type { StepImplementation } from './types.js';

export const wait: StepImplementation<WaitParams> = {
  type: 'wait',
  readOnly: true,
  defaultTimeoutMs: (p) => p.duration + 10_000,
  async run(ctx) {
    ctx.progress(`waiting ${formatDuration(ctx.params.duration)}`);
    await ctx.clock.sleep(ctx.params.duration, ctx.signal);
    return { summary: `waited ${formatDuration(ctx.params.duration)}` };
  },
};
