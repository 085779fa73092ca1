import { GitHubApiError, notFound } from './errors.js';
import type { GitRepo } from './git-repo.js';
import type { IssueStore } from './issues.js';
import { numericId, userShape } from './model.js';

/**
 * Pull requests on GitRepos: create, get, list, review and merge, with GitHub's answers. Mergeability
 * is computed after the first read, as GitHub computes it in the background (the first GET says
 * `mergeable: null`). Merges are three-way at file level: a file both sides changed differently is a
 * conflict, which is stricter than git's line-level merge, never kinder. Branch protection on the
 * base (required approving reviews, required status checks) refuses the merge with GitHub's 405s.
 */
export interface StoredReview {
  id: number;
  user: string;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED';
  body: string;
  commitId: string;
  submittedAt: string;
}

export interface StoredPull {
  repo: string;
  number: number;
  title: string;
  body: string | null;
  user: string;
  head: string;
  base: string;
  state: 'open' | 'closed';
  draft: boolean;
  merged: boolean;
  mergedBy: string | null;
  mergedAt: string | null;
  mergeCommitSha: string | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  reviews: StoredReview[];
  /** GitHub has computed mergeability (after the first read). */
  computed: boolean;
  /** The head commit that was merged (the head branch may move on afterwards). */
  mergedHead?: string | undefined;
}

const DOCS = {
  create: 'https://docs.github.com/rest/pulls/pulls#create-a-pull-request',
  merge: 'https://docs.github.com/rest/pulls/pulls#merge-a-pull-request',
  review: 'https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request',
};

type Body = Record<string, unknown>;

const invalid = (errors: Record<string, unknown>[], docs = DOCS.create) =>
  new GitHubApiError(422, 'Validation Failed', docs, errors);

export class PullStore {
  readonly pulls: StoredPull[] = [];
  private nextReviewId = 80_000_000;

  constructor(
    private readonly issues: IssueStore,
    private readonly now: () => number,
  ) {}

  private iso = () => new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');

  find(repo: GitRepo, number: number): StoredPull {
    const pr = this.pulls.find((p) => p.repo === repo.fullName && p.number === number);
    if (!pr) throw notFound('https://docs.github.com/rest/pulls/pulls#get-a-pull-request');
    return pr;
  }

  create(repo: GitRepo, body: Body, user: string): StoredPull {
    if (typeof body.title !== 'string' || body.title.trim() === '')
      throw invalid([{ resource: 'PullRequest', code: 'missing_field', field: 'title' }]);
    const head = typeof body.head === 'string' ? body.head.replace(/^[^:]+:/, '') : '';
    const base = typeof body.base === 'string' ? body.base : '';
    if (!repo.refs.has(`heads/${base}`))
      throw invalid([{ resource: 'PullRequest', code: 'invalid', field: 'base' }]);
    if (!repo.refs.has(`heads/${head}`))
      throw invalid([{ resource: 'PullRequest', code: 'invalid', field: 'head' }]);
    const headSha = repo.branchSha(head);
    if (repo.isAncestor(headSha, repo.branchSha(base)))
      throw invalid([
        { resource: 'PullRequest', code: 'custom', message: `No commits between ${base} and ${head}` },
      ]);
    if (
      this.pulls.some(
        (p) => p.repo === repo.fullName && p.state === 'open' && p.head === head && p.base === base,
      )
    )
      throw invalid([
        {
          resource: 'PullRequest',
          code: 'custom',
          message: `A pull request already exists for ${repo.repo.owner}:${head}.`,
        },
      ]);
    const at = this.iso();
    const pr: StoredPull = {
      repo: repo.fullName,
      number: this.issues.allocate(repo.fullName),
      title: body.title,
      body: typeof body.body === 'string' ? body.body : null,
      user,
      head,
      base,
      state: 'open',
      draft: body.draft === true,
      merged: false,
      mergedBy: null,
      mergedAt: null,
      mergeCommitSha: null,
      createdAt: at,
      updatedAt: at,
      closedAt: null,
      reviews: [],
      computed: false,
    };
    this.pulls.push(pr);
    return pr;
  }

  /** The merged files, or the paths both sides changed differently. */
  mergeFiles(repo: GitRepo, pr: StoredPull): { files: Map<string, string> } | { conflicts: string[] } {
    const ours = repo.branchSha(pr.base);
    const theirs = this.headSha(repo, pr);
    const baseSha = repo.mergeBase(ours, theirs);
    const b = baseSha ? repo.filesAt(baseSha) : new Map<string, string>();
    const o = repo.filesAt(ours);
    const t = repo.filesAt(theirs);
    const files = new Map<string, string>();
    const conflicts: string[] = [];
    for (const path of new Set([...b.keys(), ...o.keys(), ...t.keys()])) {
      const [bv, ov, tv] = [b.get(path), o.get(path), t.get(path)];
      const pick = ov === tv ? ov : ov === bv ? tv : tv === bv ? ov : null;
      if (pick === null) conflicts.push(path);
      else if (pick !== undefined) files.set(path, pick);
    }
    return conflicts.length ? { conflicts: conflicts.sort() } : { files };
  }

  headSha(repo: GitRepo, pr: StoredPull): string {
    return pr.mergedHead ?? repo.branchSha(pr.head);
  }

  /** Why the base branch's protection refuses a merge now, in GitHub's words; undefined if it does not. */
  protectionRefusal(repo: GitRepo, pr: StoredPull): string | undefined {
    const rules = repo.protection.get(pr.base);
    if (!rules) return undefined;
    const need = rules.requiredApprovingReviewCount;
    const latest = new Map<string, StoredReview['state']>();
    for (const r of pr.reviews) if (r.state !== 'COMMENTED') latest.set(r.user, r.state);
    const approvals = [...latest.values()].filter((s) => s === 'APPROVED').length;
    if (approvals < need)
      return need === 1
        ? 'At least 1 approving review is required by reviewers with write access.'
        : `At least ${need} approving reviews are required by reviewers with write access.`;
    const statuses = repo.statuses.get(this.headSha(repo, pr));
    for (const context of rules.requiredStatusChecks) {
      const state = statuses?.get(context);
      if (state === undefined) return `Required status check "${context}" is expected.`;
      if (state !== 'success')
        return `Required status check "${context}" is ${state === 'pending' ? 'pending' : 'failing'}.`;
    }
    return undefined;
  }

  review(repo: GitRepo, pr: StoredPull, body: Body, user: string): StoredReview {
    const event = typeof body.event === 'string' ? body.event : 'COMMENT';
    const state =
      event === 'APPROVE' ? 'APPROVED' : event === 'REQUEST_CHANGES' ? 'CHANGES_REQUESTED' : 'COMMENTED';
    if (state === 'APPROVED' && user === pr.user)
      throw new GitHubApiError(422, 'Unprocessable Entity', DOCS.review, [
        'Review Can not approve your own pull request',
      ] as never);
    if (state === 'CHANGES_REQUESTED' && user === pr.user)
      throw new GitHubApiError(422, 'Unprocessable Entity', DOCS.review, [
        'Review Can not request changes on your own pull request',
      ] as never);
    const r: StoredReview = {
      id: this.nextReviewId++,
      user,
      state,
      body: typeof body.body === 'string' ? body.body : '',
      commitId: this.headSha(repo, pr),
      submittedAt: this.iso(),
    };
    pr.reviews.push(r);
    return r;
  }

  merge(
    repo: GitRepo,
    pr: StoredPull,
    body: Body,
    user: string,
  ): { sha: string; merged: true; message: string } {
    if (pr.state !== 'open') throw new GitHubApiError(405, 'Pull Request is not mergeable', DOCS.merge);
    const head = this.headSha(repo, pr);
    if (typeof body.sha === 'string' && body.sha !== head)
      throw new GitHubApiError(409, 'Head branch was modified. Review and try the merge again.', DOCS.merge);
    const refusal = this.protectionRefusal(repo, pr);
    if (refusal) throw new GitHubApiError(405, refusal, DOCS.merge);
    const merged = this.mergeFiles(repo, pr);
    if ('conflicts' in merged) throw new GitHubApiError(405, 'Pull Request is not mergeable', DOCS.merge);
    const method = typeof body.merge_method === 'string' ? body.merge_method : 'merge';
    if (!['merge', 'squash', 'rebase'].includes(method))
      throw invalid([{ resource: 'PullRequest', code: 'invalid', field: 'merge_method' }], DOCS.merge);
    const base = repo.branchSha(pr.base);
    const title =
      typeof body.commit_title === 'string'
        ? body.commit_title
        : method === 'squash'
          ? `${pr.title} (#${pr.number})`
          : `Merge pull request #${pr.number} from ${repo.repo.owner}/${pr.head}`;
    const message =
      typeof body.commit_message === 'string' ? body.commit_message : method === 'squash' ? '' : pr.title;
    const person = repo.person(user);
    const sha = repo.objects.commit({
      tree: repo.objects.treeFromFiles(merged.files),
      parents: method === 'merge' ? [base, head] : [base],
      author: person,
      committer: person,
      message: message ? `${title}\n\n${message}` : title,
    });
    repo.refs.set(`heads/${pr.base}`, sha);
    const at = this.iso();
    Object.assign(pr, {
      state: 'closed',
      merged: true,
      mergedBy: user,
      mergedAt: at,
      closedAt: at,
      updatedAt: at,
    });
    pr.mergeCommitSha = sha;
    pr.mergedHead = head;
    return { sha, merged: true, message: 'Pull Request successfully merged' };
  }

  shape(repo: GitRepo, pr: StoredPull): Record<string, unknown> {
    const html = `${repo.htmlBase}/pull/${pr.number}`;
    const api = `${repo.apiBase}/pulls/${pr.number}`;
    let mergeable: boolean | null = null;
    let mergeableState = 'unknown';
    if (pr.merged) {
      mergeable = null;
      mergeableState = 'unknown';
    } else if (pr.computed) {
      const conflicts = 'conflicts' in this.mergeFiles(repo, pr);
      mergeable = !conflicts;
      mergeableState = conflicts ? 'dirty' : this.protectionRefusal(repo, pr) ? 'blocked' : 'clean';
    }
    pr.computed = true;
    const side = (branch: string, sha: string) => ({
      label: `${repo.repo.owner}:${branch}`,
      ref: branch,
      sha,
      user: userShape(repo.repo.owner, repo.urls),
      repo: { id: numericId(`repo:${repo.fullName}`), name: repo.repo.name, full_name: repo.fullName },
    });
    return {
      url: api,
      id: numericId(`pull:${repo.fullName}#${pr.number}`),
      node_id: `PR_${numericId(`pull:${repo.fullName}#${pr.number}`)}`,
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      issue_url: `${repo.apiBase}/issues/${pr.number}`,
      number: pr.number,
      state: pr.state,
      locked: false,
      title: pr.title,
      user: userShape(pr.user, repo.urls, pr.user.endsWith('[bot]') ? 'Bot' : 'User'),
      body: pr.body,
      created_at: pr.createdAt,
      updated_at: pr.updatedAt,
      closed_at: pr.closedAt,
      merged_at: pr.mergedAt,
      merge_commit_sha: pr.mergeCommitSha,
      draft: pr.draft,
      head: side(pr.head, this.headSha(repo, pr)),
      base: side(pr.base, repo.branchSha(pr.base)),
      merged: pr.merged,
      mergeable,
      mergeable_state: mergeableState,
      merged_by: pr.mergedBy ? userShape(pr.mergedBy, repo.urls) : null,
      requested_reviewers: [],
      comments: 0,
      review_comments: 0,
      commits: 1,
      additions: 0,
      deletions: 0,
      changed_files: 0,
    };
  }

  reviewShape(repo: GitRepo, pr: StoredPull, r: StoredReview): Record<string, unknown> {
    return {
      id: r.id,
      node_id: `PRR_${r.id}`,
      user: userShape(r.user, repo.urls),
      body: r.body,
      state: r.state,
      html_url: `${repo.htmlBase}/pull/${pr.number}#pullrequestreview-${r.id}`,
      pull_request_url: `${repo.apiBase}/pulls/${pr.number}`,
      submitted_at: r.submittedAt,
      commit_id: r.commitId,
      author_association: 'MEMBER',
    };
  }
}
