/** `github.issue`: open an issue once per incident (the effect ledger keeps a resume from opening a second). */
import type { GithubIssueParams } from '../runbooks/steps-schema.js';
import { githubError, requireGithub, splitRepo } from './github-error.js';
import type { StepImplementation } from './types.js';

export const githubIssue: StepImplementation<GithubIssueParams> = {
  type: 'github.issue',
  readOnly: false,
  defaultTimeoutMs: () => 60_000,
  async run(ctx) {
    const p = ctx.params;
    const outcome = await ctx.effects.once(async () => {
      try {
        const res = await requireGithub(ctx).rest.issues.create({
          ...splitRepo(p.repo),
          title: p.title,
          body: p.body,
          labels: p.labels,
          request: { signal: ctx.signal },
        });
        return { number: res.data.number, url: res.data.html_url };
      } catch (err) {
        throw githubError(`creating an issue in ${p.repo}`, err);
      }
    });
    if (!outcome.replayed)
      return { summary: `opened ${p.repo}#${outcome.result.number}`, output: outcome.result };
    if (outcome.uncertain) {
      return {
        summary: `not opened again in ${p.repo}: an earlier run stopped mid-request; check for an existing issue`,
        output: { uncertain: true },
        skipped: true,
      };
    }
    return {
      summary: `already opened ${p.repo}#${outcome.result.number}`,
      output: outcome.result,
      skipped: true,
    };
  },
};
