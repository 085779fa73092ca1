import { GitHubApiError, notFound } from './errors.js';
import type { TreeEntry } from './git-objects.js';
import { DOCS, type GitRepo } from './git-repo.js';
import {
  base64Lines,
  branchShape,
  commitShape,
  contentEntry,
  gitCommitShape,
  protectionShape,
  refShape,
  repoShape,
} from './git-shapes.js';
import { gitWriteRoutes } from './git-writes.js';
import type { PullStore } from './pulls.js';

/**
 * The REST routes of a git-backed repository (git-repo.ts): repository, Git Data (refs, commits,
 * trees, blobs), commits and compare, contents, branches and their protection, pull requests.
 * Paths are below `/repos/{owner}/{repo}`; anything else falls through to the issue routes.
 */
export interface GitRouteInput {
  repo: GitRepo;
  match: string[];
  query: URLSearchParams;
  body: Record<string, unknown>;
  pulls: PullStore;
  /** Login of the token's owner. */
  viewer: string;
}
export interface GitRoute {
  method: string;
  pattern: RegExp;
  handle(input: GitRouteInput): { status: number; body: unknown };
}

const ok = (body: unknown, status = 200) => ({ status, body });

function page<T>(list: T[], query: URLSearchParams): T[] {
  const per = Math.min(100, Math.max(1, Number(query.get('per_page') ?? 30) || 30));
  const n = Math.max(1, Number(query.get('page') ?? 1) || 1);
  return list.slice((n - 1) * per, n * per);
}

function compare(r: GitRepo, basehead: string): Record<string, unknown> {
  const sep = basehead.indexOf('...');
  if (sep < 0) throw notFound(DOCS.compare);
  const base = r.resolve(basehead.slice(0, sep).replace(/^[^:]+:/, ''));
  const head = r.resolve(basehead.slice(sep + 3).replace(/^[^:]+:/, ''));
  if (!base || !head) throw notFound(DOCS.compare);
  const ofBase = new Set(r.log(base));
  const ofHead = new Set(r.log(head));
  const ahead = r.log(head).filter((s) => !ofBase.has(s));
  const behind = r.log(base).filter((s) => !ofHead.has(s));
  const mergeBase = r.mergeBase(base, head) ?? base;
  return {
    url: `${r.apiBase}/compare/${basehead}`,
    html_url: `${r.htmlBase}/compare/${basehead}`,
    base_commit: commitShape(r, base),
    merge_base_commit: commitShape(r, mergeBase),
    status:
      ahead.length && behind.length
        ? 'diverged'
        : ahead.length
          ? 'ahead'
          : behind.length
            ? 'behind'
            : 'identical',
    ahead_by: ahead.length,
    behind_by: behind.length,
    total_commits: ahead.length,
    commits: ahead.reverse().map((s) => commitShape(r, s)),
    files: [],
  };
}

function contents(r: GitRepo, path: string, ref: string | null): unknown {
  const sha = ref === null ? r.resolve(r.defaultBranch) : r.resolve(ref);
  if (!sha) throw new GitHubApiError(404, `No commit found for the ref ${ref}`, DOCS.contents);
  const refName = ref ?? r.defaultBranch;
  const clean = path.replace(/^\/+|\/+$/g, '');
  const files = r.filesAt(sha);
  const blob = files.get(clean);
  if (blob !== undefined) {
    const o = r.objects.get(blob);
    const buf = o?.type === 'blob' ? o.content : Buffer.alloc(0);
    return {
      ...contentEntry(r, clean, 'file', blob, buf.length, refName),
      content: base64Lines(buf),
      encoding: 'base64',
    };
  }
  const prefix = clean === '' ? '' : `${clean}/`;
  const entries = r.objects
    .walk(r.commit(sha).tree, true)
    .filter((e) => e.path.startsWith(prefix) && !e.path.slice(prefix.length).includes('/'));
  if (!entries.length) throw notFound(DOCS.contents);
  return entries.map((e: TreeEntry) => {
    const o = r.objects.get(e.sha);
    const size = o?.type === 'blob' ? o.content.length : 0;
    return contentEntry(r, e.path, e.type === 'blob' ? 'file' : 'dir', e.sha, size, refName);
  });
}

const num = (s: string) => {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw notFound();
  return n;
};

export const GIT_ROUTES: GitRoute[] = [
  { method: 'GET', pattern: /^$/, handle: ({ repo }) => ok(repoShape(repo)) },
  {
    method: 'GET',
    pattern: /^\/git\/ref\/(.+)$/,
    handle: ({ repo, match }) => {
      const sha = repo.refs.get(match[1]!);
      if (!sha) throw notFound(DOCS.refs);
      return ok(refShape(repo, match[1]!, sha));
    },
  },
  {
    method: 'GET',
    pattern: /^\/git\/matching-refs\/(.*)$/,
    handle: ({ repo, match }) =>
      ok(
        [...repo.refs.entries()]
          .filter(([ref]) => ref.startsWith(match[1]!))
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([ref, sha]) => refShape(repo, ref, sha)),
      ),
  },
  {
    method: 'GET',
    pattern: /^\/git\/commits\/([0-9a-f]{40})$/,
    handle: ({ repo, match }) => ok(gitCommitShape(repo, match[1]!)),
  },
  {
    method: 'GET',
    pattern: /^\/git\/trees\/([^/]+)$/,
    handle: ({ repo, match, query }) => {
      const sha =
        repo.objects.get(match[1]!)?.type === 'tree'
          ? match[1]!
          : repo.objects.commitObject(repo.resolve(match[1]!) ?? '')?.tree;
      if (!sha) throw notFound(DOCS.trees);
      const recursive =
        query.has('recursive') && query.get('recursive') !== 'false' && query.get('recursive') !== '0';
      const tree = repo.objects.walk(sha, recursive).map((e) => {
        const o = repo.objects.get(e.sha);
        return {
          path: e.path,
          mode: e.mode,
          type: e.type,
          sha: e.sha,
          ...(o?.type === 'blob' ? { size: o.content.length } : {}),
          url: `${repo.apiBase}/git/${e.type === 'blob' ? 'blobs' : 'trees'}/${e.sha}`,
        };
      });
      return ok({ sha, url: `${repo.apiBase}/git/trees/${sha}`, tree, truncated: false });
    },
  },
  {
    method: 'GET',
    pattern: /^\/git\/blobs\/([0-9a-f]{40})$/,
    handle: ({ repo, match }) => {
      const o = repo.objects.get(match[1]!);
      if (o?.type !== 'blob') throw notFound(DOCS.blobs);
      return ok({
        sha: o.sha,
        node_id: `B_${o.sha.slice(0, 12)}`,
        size: o.content.length,
        url: `${repo.apiBase}/git/blobs/${o.sha}`,
        content: base64Lines(o.content),
        encoding: 'base64',
      });
    },
  },
  {
    method: 'GET',
    pattern: /^\/commits$/,
    handle: ({ repo, query }) => {
      const from = repo.resolve(query.get('sha') ?? repo.defaultBranch);
      if (!from) throw new GitHubApiError(404, 'Not Found', DOCS.listCommits);
      const path = query.get('path');
      const list = repo.log(from).filter((s) => !path || repo.touches(s, path));
      return ok(page(list, query).map((s) => commitShape(repo, s)));
    },
  },
  {
    method: 'GET',
    pattern: /^\/commits\/(.+)$/,
    handle: ({ repo, match }) => {
      const sha = repo.resolve(match[1]!);
      if (!sha) throw new GitHubApiError(422, `No commit found for SHA: ${match[1]}`, DOCS.getCommit);
      return ok(commitShape(repo, sha, true));
    },
  },
  { method: 'GET', pattern: /^\/compare\/(.+)$/, handle: ({ repo, match }) => ok(compare(repo, match[1]!)) },
  {
    method: 'GET',
    pattern: /^\/contents(?:\/(.*))?$/,
    handle: ({ repo, match, query }) => ok(contents(repo, match[1] ?? '', query.get('ref'))),
  },
  {
    method: 'GET',
    pattern: /^\/branches\/(.+)\/protection$/,
    handle: ({ repo, match }) => {
      repo.branchSha(match[1]!);
      if (!repo.protection.has(match[1]!))
        throw new GitHubApiError(404, 'Branch not protected', DOCS.protection);
      return ok(protectionShape(repo, match[1]!));
    },
  },
  {
    method: 'GET',
    pattern: /^\/branches\/(.+)$/,
    handle: ({ repo, match }) => ok(branchShape(repo, match[1]!)),
  },
  {
    method: 'GET',
    pattern: /^\/pulls$/,
    handle: ({ repo, query, pulls }) => {
      const state = query.get('state') ?? 'open';
      const head = query.get('head')?.replace(/^[^:]+:/, '');
      const base = query.get('base');
      const list = pulls.pulls
        .filter((p) => p.repo === repo.fullName && (state === 'all' || p.state === state))
        .filter((p) => (!head || p.head === head) && (!base || p.base === base))
        .sort((a, b) => b.number - a.number);
      return ok(page(list, query).map((p) => pulls.shape(repo, p)));
    },
  },
  {
    method: 'GET',
    pattern: /^\/pulls\/(\d+)$/,
    handle: ({ repo, match, pulls }) => ok(pulls.shape(repo, pulls.find(repo, num(match[1]!)))),
  },
  {
    method: 'GET',
    pattern: /^\/pulls\/(\d+)\/merge$/,
    handle: ({ repo, match, pulls }) => {
      if (!pulls.find(repo, num(match[1]!)).merged) throw notFound();
      return ok(undefined, 204);
    },
  },
  {
    method: 'GET',
    pattern: /^\/pulls\/(\d+)\/reviews$/,
    handle: ({ repo, match, pulls }) => {
      const pr = pulls.find(repo, num(match[1]!));
      return ok(pr.reviews.map((r) => pulls.reviewShape(repo, pr, r)));
    },
  },
  ...gitWriteRoutes(num),
];

export function gitRoute(method: string, rest: string, input: Omit<GitRouteInput, 'match'>) {
  for (const r of GIT_ROUTES) {
    const m = r.pattern.exec(rest);
    if (m && r.method === method)
      return r.handle({
        ...input,
        match: [...m].map((s) => (s === undefined ? s : decodeURIComponent(s))) as string[],
      });
  }
  return undefined;
}
