import { createHash } from 'node:crypto';
import type { ScenarioRepo } from '../scenario/schema.js';
import { GitHubApiError, notFound } from './errors.js';

/**
 * A scenario repository as GitHub's REST API presents it: a linear history on `main`, tags,
 * and files (the newest tree, served at any ref). Builds the JSON shapes of commits and contents.
 */
export interface Urls {
  api: string;
  html: string;
}

type Commit = ScenarioRepo['commits'][number];

export const DEFAULT_BRANCH = 'main';

export const numericId = (s: string) => parseInt(createHash('sha1').update(s).digest('hex').slice(0, 8), 16);
const sha1 = (s: string | Buffer) => createHash('sha1').update(s).digest('hex');

export function userShape(login: string, urls: Urls, type: 'User' | 'Bot' = 'User'): Record<string, unknown> {
  const id = numericId(`user:${login}`);
  return {
    login,
    id,
    node_id: `U_${id}`,
    avatar_url: `${urls.html}/${login}.png`,
    html_url: `${urls.html}/${login}`,
    url: `${urls.api}/users/${login}`,
    type,
    site_admin: false,
  };
}

export class RepoModel {
  constructor(
    readonly repo: ScenarioRepo,
    private readonly urls: Urls,
  ) {}

  get fullName() {
    return `${this.repo.owner}/${this.repo.name}`;
  }
  private get apiBase() {
    return `${this.urls.api}/repos/${this.fullName}`;
  }
  private get htmlBase() {
    return `${this.urls.html}/${this.fullName}`;
  }

  /** Index of the commit a ref names (branch, tag, full or abbreviated sha), or undefined. */
  resolve(ref: string): number | undefined {
    const r = ref.replace(/^refs\//, '').replace(/^(heads|tags)\//, '');
    const commits = this.repo.commits;
    if ((r === DEFAULT_BRANCH || r === 'HEAD') && commits.length > 0) return commits.length - 1;
    const tagged = this.repo.tags[r];
    const sha = tagged ?? r;
    const exact = commits.findIndex((c) => c.sha === sha);
    if (exact >= 0) return exact;
    if (/^[0-9a-f]{7,39}$/.test(sha)) {
      const hits = commits.flatMap((c, i) => (c.sha.startsWith(sha) ? [i] : []));
      if (hits.length === 1) return hits[0];
    }
    return undefined;
  }

  commitAt(index: number): Record<string, unknown> {
    const c = this.repo.commits[index]!;
    const parent = index > 0 ? this.repo.commits[index - 1] : undefined;
    const date = c.date ?? new Date(Date.UTC(2026, 0, 1) + index * 3_600_000).toISOString();
    const person = { name: c.author, email: `${c.author}@users.noreply.github.com`, date };
    const treeSha = sha1(`tree:${c.sha}`);
    return {
      sha: c.sha,
      node_id: `C_${numericId(c.sha)}`,
      commit: {
        author: person,
        committer: person,
        message: c.message,
        tree: { sha: treeSha, url: `${this.apiBase}/git/trees/${treeSha}` },
        url: `${this.apiBase}/git/commits/${c.sha}`,
        comment_count: 0,
        verification: {
          verified: false,
          reason: 'unsigned',
          signature: null,
          payload: null,
          verified_at: null,
        },
      },
      url: `${this.apiBase}/commits/${c.sha}`,
      html_url: `${this.htmlBase}/commit/${c.sha}`,
      comments_url: `${this.apiBase}/commits/${c.sha}/comments`,
      author: userShape(c.author, this.urls),
      committer: userShape(c.author, this.urls),
      parents: parent
        ? [
            {
              sha: parent.sha,
              url: `${this.apiBase}/commits/${parent.sha}`,
              html_url: `${this.htmlBase}/commit/${parent.sha}`,
            },
          ]
        : [],
    };
  }

  /** `GET /repos/{o}/{r}/commits/{ref}`: unknown refs are 422, as on GitHub. */
  commit(ref: string): Record<string, unknown> {
    const i = this.resolve(ref);
    if (i === undefined) {
      throw new GitHubApiError(
        422,
        `No commit found for SHA: ${ref}`,
        'https://docs.github.com/rest/commits/commits#get-a-commit',
      );
    }
    return { ...this.commitAt(i), stats: { total: 0, additions: 0, deletions: 0 }, files: [] };
  }

  /** `GET /repos/{o}/{r}/compare/{base}...{head}` on a linear history. */
  compare(basehead: string): Record<string, unknown> {
    const sep = basehead.indexOf('...');
    if (sep < 0) throw notFound('https://docs.github.com/rest/commits/commits#compare-two-commits');
    const base = basehead.slice(0, sep).replace(/^[^:]+:/, '');
    const head = basehead.slice(sep + 3).replace(/^[^:]+:/, '');
    const bi = this.resolve(base);
    const hi = this.resolve(head);
    if (bi === undefined || hi === undefined)
      throw notFound('https://docs.github.com/rest/commits/commits#compare-two-commits');
    const aheadBy = Math.max(0, hi - bi);
    const behindBy = Math.max(0, bi - hi);
    const status = aheadBy > 0 ? 'ahead' : behindBy > 0 ? 'behind' : 'identical';
    const mergeBase = Math.min(bi, hi);
    const commits = [];
    for (let i = bi + 1; i <= hi; i++) commits.push(this.commitAt(i));
    return {
      url: `${this.apiBase}/compare/${basehead}`,
      html_url: `${this.htmlBase}/compare/${basehead}`,
      permalink_url: `${this.htmlBase}/compare/${this.repo.owner}:${this.repo.commits[bi]!.sha.slice(0, 7)}...${this.repo.owner}:${this.repo.commits[hi]!.sha.slice(0, 7)}`,
      diff_url: `${this.htmlBase}/compare/${basehead}.diff`,
      patch_url: `${this.htmlBase}/compare/${basehead}.patch`,
      base_commit: this.commitAt(bi),
      merge_base_commit: this.commitAt(mergeBase),
      status,
      ahead_by: aheadBy,
      behind_by: behindBy,
      total_commits: aheadBy,
      commits,
      files: [],
    };
  }

  /** `GET /repos/{o}/{r}/contents/{path}?ref=`: a file object, or an array for a directory. */
  contents(path: string, ref: string | undefined): unknown {
    const commitIndex = ref === undefined ? this.repo.commits.length - 1 : this.resolve(ref);
    if (ref !== undefined && commitIndex === undefined) {
      throw new GitHubApiError(
        404,
        `No commit found for the ref ${ref}`,
        'https://docs.github.com/rest/repos/contents#get-repository-content',
      );
    }
    const refName = ref ?? DEFAULT_BRANCH;
    const clean = path.replace(/^\/+|\/+$/g, '');
    const file = this.repo.files[clean];
    if (file !== undefined && clean !== '') {
      const buf = Buffer.from(file, 'utf8');
      const base64 = buf.toString('base64').replace(/.{60}/g, '$&\n');
      return {
        ...this.entry(clean, 'file', buf, refName),
        content: base64.endsWith('\n') ? base64 : `${base64}\n`,
        encoding: 'base64',
      };
    }
    const prefix = clean === '' ? '' : `${clean}/`;
    const children = new Map<string, 'file' | 'dir'>();
    for (const p of Object.keys(this.repo.files)) {
      if (!p.startsWith(prefix)) continue;
      const rest = p.slice(prefix.length);
      const slash = rest.indexOf('/');
      children.set(slash < 0 ? rest : rest.slice(0, slash), slash < 0 ? 'file' : 'dir');
    }
    if (children.size === 0)
      throw notFound('https://docs.github.com/rest/repos/contents#get-repository-content');
    return [...children.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, type]) => {
        const full = prefix + name;
        return this.entry(
          full,
          type,
          type === 'file' ? Buffer.from(this.repo.files[full]!, 'utf8') : undefined,
          refName,
        );
      });
  }

  private entry(path: string, type: 'file' | 'dir', content: Buffer | undefined, ref: string) {
    const sha = content
      ? sha1(Buffer.concat([Buffer.from(`blob ${content.length}\0`), content]))
      : sha1(`tree:${path}`);
    const url = `${this.apiBase}/contents/${path}?ref=${encodeURIComponent(ref)}`;
    const htmlUrl = `${this.htmlBase}/${type === 'file' ? 'blob' : 'tree'}/${ref}/${path}`;
    const gitUrl = `${this.apiBase}/git/${type === 'file' ? 'blobs' : 'trees'}/${sha}`;
    return {
      type,
      name: path.split('/').pop()!,
      path,
      sha,
      size: content?.length ?? 0,
      url,
      html_url: htmlUrl,
      git_url: gitUrl,
      download_url: type === 'file' ? `${this.htmlBase}/raw/${ref}/${path}` : null,
      _links: { self: url, git: gitUrl, html: htmlUrl },
    };
  }

  repoShape(): Record<string, unknown> {
    const id = numericId(`repo:${this.fullName}`);
    return {
      id,
      node_id: `R_${id}`,
      name: this.repo.name,
      full_name: this.fullName,
      private: false,
      owner: userShape(this.repo.owner, this.urls),
      html_url: this.htmlBase,
      description: null,
      fork: false,
      url: this.apiBase,
      default_branch: DEFAULT_BRANCH,
      visibility: 'public',
      archived: false,
      disabled: false,
      has_issues: true,
      open_issues_count: 0,
      topics: [],
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-01-01T00:00:00Z',
      pushed_at: (this.repo.commits.at(-1) as Commit | undefined)?.date ?? '2026-01-01T00:00:00Z',
      permissions: { admin: false, maintain: false, push: true, triage: true, pull: true },
    };
  }
}
