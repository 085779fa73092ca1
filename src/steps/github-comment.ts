/** `github.comment`: comment on an issue or PR once per incident (effect ledger, like github.issue). */
import { RollbotError } from '../core/errors.js';
import type { GithubCommentParams } from '../runbooks/steps-schema.js';
import { githubError, requireGithub, splitRepo } from './github-error.js';
import type { StepImplementation } from './types.js';

export const githubComment: StepImplementation<GithubCommentParams> = {
  type: 'github.comment',
  readOnly: false,
  defaultTimeoutMs: () => 60_000,
  async run(ctx) {
    const p = ctx.params;
    const issue = Number(p.issue);
    if (!Number.isInteger(issue) || issue <= 0) {
      throw new RollbotError(
        'bad_input',
        `github.comment: issue ${JSON.stringify(p.issue)} is not an issue number`,
        {
          hint: 'give a number, or a placeholder that yields one',
        },
      );
    }
    const where = `${p.repo}#${issue}`;
    const outcome = await ctx.effects.once(async () => {
      try {
        const res = await requireGithub(ctx).rest.issues.createComment({
          ...splitRepo(p.repo),
          issue_number: issue,
          body: p.body,
          request: { signal: ctx.signal },
        });
        return { id: res.data.id, url: res.data.html_url };
      } catch (err) {
        throw githubError(`commenting on ${where}`, err);
      }
    });
    if (!outcome.replayed) return { summary: `commented on ${where}`, output: outcome.result };
    if (outcome.uncertain) {
      return {
        summary: `not commented again on ${where}: an earlier run stopped mid-request`,
        output: { uncertain: true },
        skipped: true,
      };
    }
    return { summary: `already commented on ${where}`, output: outcome.result, skipped: true };
  },
};
