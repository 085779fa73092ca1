import type { ScenarioRepo } from '../scenario/schema.js';
import { GitHubApiError, notFound } from './errors.js';
import { type CommitObject, type GitPerson, ObjectStore } from './git-objects.js';
import type { Urls } from './model.js';

/**
 * A repository backed by real git objects (git-objects.ts): branches and tags as refs, commits with
 * trees and parents, so a client can read a file at any commit, list the commits touching a path,
 * branch, commit through the Git Data or Contents API, and merge. A scenario repo with `history`
 * becomes one; each history entry is a commit on `main` changing the files it lists.
 */
export interface BranchProtection {
  /** Approving reviews a pull request needs before it may merge into the branch. */
  requiredApprovingReviewCount: number;
  /** Status check contexts that must have succeeded on the head commit. */
  requiredStatusChecks: string[];
}

export const DOCS = {
  refs: 'https://docs.github.com/rest/git/refs',
  commits: 'https://docs.github.com/rest/git/commits',
  trees: 'https://docs.github.com/rest/git/trees',
  blobs: 'https://docs.github.com/rest/git/blobs',
  contents: 'https://docs.github.com/rest/repos/contents',
  listCommits: 'https://docs.github.com/rest/commits/commits#list-commits',
  getCommit: 'https://docs.github.com/rest/commits/commits#get-a-commit',
  compare: 'https://docs.github.com/rest/commits/commits#compare-two-commits',
  branches: 'https://docs.github.com/rest/branches/branches#get-a-branch',
  protection: 'https://docs.github.com/rest/branches/branch-protection#get-branch-protection',
};

export class GitRepo {
  readonly objects = new ObjectStore();
  /** `heads/main` → sha, `tags/v1` → sha. */
  readonly refs = new Map<string, string>();
  readonly protection = new Map<string, BranchProtection>();
  /** Commit statuses by sha: context → state. */
  readonly statuses = new Map<string, Map<string, string>>();
  readonly defaultBranch = 'main';

  constructor(
    readonly repo: ScenarioRepo,
    readonly urls: Urls,
    private readonly now: () => number,
  ) {
    let parent: string | undefined;
    let files = new Map<string, string>();
    repo.history.forEach((h, i) => {
      files = new Map(files);
      for (const [path, content] of Object.entries(h.files)) {
        if (content === null) files.delete(path);
        else files.set(path, this.objects.blob(Buffer.from(content, 'utf8')));
      }
      const date = h.date ?? new Date(Date.UTC(2026, 10, 1) + i * 3_600_000).toISOString();
      const person = this.person(h.author, date);
      parent = this.objects.commit({
        tree: this.objects.treeFromFiles(files),
        parents: parent ? [parent] : [],
        author: person,
        committer: person,
        message: h.message,
      });
    });
    if (parent) this.refs.set(`heads/${this.defaultBranch}`, parent);
    for (const [branch, p] of Object.entries(repo.protection))
      this.protection.set(branch, { ...p, requiredStatusChecks: [...p.requiredStatusChecks] });
  }

  get fullName(): string {
    return `${this.repo.owner}/${this.repo.name}`;
  }
  get apiBase(): string {
    return `${this.urls.api}/repos/${this.fullName}`;
  }
  get htmlBase(): string {
    return `${this.urls.html}/${this.fullName}`;
  }

  person(login: string, date = new Date(this.now()).toISOString()): GitPerson {
    return { name: login, email: `${login}@users.noreply.github.com`, date: date.replace(/\.\d{3}Z$/, 'Z') };
  }

  /** A branch, tag, `heads/…`/`tags/…`/`refs/…` name, a full or an unambiguous abbreviated sha. */
  resolve(ref: string): string | undefined {
    const r = ref.replace(/^refs\//, '');
    if (r === 'HEAD') return this.refs.get(`heads/${this.defaultBranch}`);
    const named = this.refs.get(r) ?? this.refs.get(`heads/${r}`) ?? this.refs.get(`tags/${r}`) ?? undefined;
    if (named) return named;
    if (/^[0-9a-f]{40}$/.test(r)) return this.objects.commitObject(r) ? r : undefined;
    if (/^[0-9a-f]{7,39}$/.test(r)) {
      const hits = this.allCommits().filter((s) => s.startsWith(r));
      if (hits.length === 1) return hits[0];
    }
    return undefined;
  }

  branchSha(branch: string): string {
    const sha = this.refs.get(`heads/${branch}`);
    if (!sha) throw new GitHubApiError(404, 'Branch not found', DOCS.branches);
    return sha;
  }

  commit(sha: string): CommitObject {
    const c = this.objects.commitObject(sha);
    if (!c) throw notFound(DOCS.commits);
    return c;
  }

  /** Path → blob sha of the files at a commit. */
  filesAt(sha: string): Map<string, string> {
    return this.objects.files(this.commit(sha).tree);
  }

  fileText(sha: string, path: string): string | undefined {
    const blob = this.filesAt(sha).get(path);
    return blob === undefined ? undefined : this.objects.blobText(blob);
  }

  /** Commits reachable from `sha`, newest first (by committer date, then topology), as `git log` lists them. */
  log(sha: string): string[] {
    const seen = new Set<string>();
    const out: string[] = [];
    const queue = [sha];
    while (queue.length) {
      queue.sort(
        (a, b) => Date.parse(this.commit(b).committer.date) - Date.parse(this.commit(a).committer.date),
      );
      const next = queue.shift()!;
      if (seen.has(next)) continue;
      seen.add(next);
      out.push(next);
      queue.push(...this.commit(next).parents.filter((p) => !seen.has(p)));
    }
    return out;
  }

  isAncestor(ancestor: string, of: string): boolean {
    return this.log(of).includes(ancestor);
  }

  /** The newest common ancestor (merge base) of two commits. */
  mergeBase(a: string, b: string): string | undefined {
    const ofB = new Set(this.log(b));
    return this.log(a).find((s) => ofB.has(s));
  }

  /** Paths whose content differs between a commit and its first parent, with git's status words. */
  changes(sha: string): { filename: string; status: 'added' | 'modified' | 'removed'; sha: string | null }[] {
    const c = this.commit(sha);
    const now = this.filesAt(sha);
    const before = c.parents[0] ? this.filesAt(c.parents[0]) : new Map<string, string>();
    const out: { filename: string; status: 'added' | 'modified' | 'removed'; sha: string | null }[] = [];
    for (const [path, blob] of now) {
      const was = before.get(path);
      if (was === undefined) out.push({ filename: path, status: 'added', sha: blob });
      else if (was !== blob) out.push({ filename: path, status: 'modified', sha: blob });
    }
    for (const [path] of before)
      if (!now.has(path)) out.push({ filename: path, status: 'removed', sha: null });
    return out.sort((a, b) => a.filename.localeCompare(b.filename));
  }

  /** Whether a commit changed anything at or under `path` (what `GET /commits?path=` filters on). */
  touches(sha: string, path: string): boolean {
    const clean = path.replace(/^\/+|\/+$/g, '');
    return this.changes(sha).some((f) => f.filename === clean || f.filename.startsWith(`${clean}/`));
  }

  private allCommits(): string[] {
    const out = new Set<string>();
    for (const sha of this.refs.values()) for (const s of this.log(sha)) out.add(s);
    return [...out];
  }

  /**
   * A new commit on `branch` whose files are the branch's with `edits` applied (null deletes);
   * refuses a protected branch as GitHub does for a direct write.
   */
  commitToBranch(
    branch: string,
    edits: Map<string, Buffer | null>,
    message: string,
    author: GitPerson,
  ): string {
    const ref = `heads/${branch}`;
    const head = this.refs.get(ref);
    if (this.protection.has(branch))
      throw new GitHubApiError(
        409,
        `Protected branch update failed for refs/heads/${branch}.`,
        DOCS.contents,
      );
    const files = head ? this.filesAt(head) : new Map<string, string>();
    for (const [path, content] of edits) {
      if (content === null) files.delete(path);
      else files.set(path, this.objects.blob(content));
    }
    const sha = this.objects.commit({
      tree: this.objects.treeFromFiles(files),
      parents: head ? [head] : [],
      author,
      committer: author,
      message,
    });
    this.refs.set(ref, sha);
    return sha;
  }
}
