import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Scenario } from '../scenario/schema.js';
import { GitHubApiError, notFound } from './errors.js';
import { type GitHubFault, GitHubFaults } from './faults.js';
import { IssueStore, type StoredComment, type StoredIssue } from './issues.js';
import { type BranchProtection, GitRepo } from './git-repo.js';
import { gitRoute } from './git-routes.js';
import { RepoModel, type Urls } from './model.js';
import { PullStore, type StoredPull } from './pulls.js';
import { route } from './routes.js';

export interface GitHubDoubleOptions {
  scenario: Scenario;
  /** When set, every request must carry it (`token …` or `Bearer …`), else 401 Bad credentials. */
  token?: string | undefined;
  host?: string | undefined;
  port?: number | undefined;
  /** Base of `html_url`s (default `https://github.com`). */
  htmlUrl?: string | undefined;
  /** Login of the token's owner, the author of issues and comments (default `rollbot[bot]`). */
  viewerLogin?: string | undefined;
  clock?: { now(): number } | undefined;
}

export interface GitHubRequestRecord {
  method: string;
  path: string;
  status: number;
  body: unknown;
}

export interface GitHubDouble {
  /** Give to `new Octokit({ baseUrl })`. A `/api/v3` suffix (GitHub Enterprise style) also works. */
  readonly url: string;
  readonly faults: GitHubFaults;
  issues(repo?: string): StoredIssue[];
  comments(repo?: string, issueNumber?: number): StoredComment[];
  requests(): GitHubRequestRecord[];
  /** Pull requests opened through the double (git-backed repositories only). */
  pulls(repo?: string): StoredPull[];
  /** A person reviews a pull request, as in GitHub's UI (approvals count for branch protection). */
  review(repo: string, number: number, login: string, event: 'APPROVE' | 'REQUEST_CHANGES' | 'COMMENT'): void;
  /** A person presses Merge in GitHub's UI: the same rules as the API; throws GitHub's refusal. */
  merge(repo: string, number: number, login: string, method?: 'merge' | 'squash' | 'rebase'): string;
  /** A person pushes one commit to a branch (bypasses protection, as an admin push would). */
  push(
    repo: string,
    opts: { branch?: string; message: string; author: string; files: Record<string, string | null> },
  ): string;
  /** The commit a branch points at, and a file's text at a ref (undefined when absent). */
  head(repo: string, branch?: string): string;
  file(repo: string, ref: string, path: string): string | undefined;
  /** Sets (or, with undefined, removes) a branch's protection. */
  protect(repo: string, branch: string, rules: Partial<BranchProtection> | undefined): void;
  /** A commit status, as CI would post it. */
  status(
    repo: string,
    sha: string,
    context: string,
    state: 'success' | 'failure' | 'pending' | 'error',
  ): void;
  close(): Promise<void>;
}

export async function startGitHubDouble(opts: GitHubDoubleOptions): Promise<GitHubDouble> {
  const now = opts.clock ? () => opts.clock!.now() : () => Date.now();
  const urls: Urls = { api: '', html: opts.htmlUrl ?? 'https://github.com' };
  const repos = new Map(
    opts.scenario.github.repos.map((r) => [`${r.owner}/${r.name}`.toLowerCase(), new RepoModel(r, urls)]),
  );
  const viewer = opts.viewerLogin ?? 'rollbot[bot]';
  const issues = new IssueStore(urls, viewer, now);
  const gitRepos = new Map(
    opts.scenario.github.repos
      .filter((r) => r.history.length > 0)
      .map((r) => [`${r.owner}/${r.name}`.toLowerCase(), new GitRepo(r, urls, now)]),
  );
  const pulls = new PullStore(issues, now);
  const gitRepo = (name: string): GitRepo => {
    const r = gitRepos.get(name.toLowerCase());
    if (!r) throw new Error(`github double: no git-backed repository ${name}`);
    return r;
  };
  const faults = new GitHubFaults();
  const log: GitHubRequestRecord[] = [];
  let remaining = 5000;

  // Same data as the methods below, as JSON for the browser console: /_sandbox/issues, /_sandbox/requests.
  const sendInspection = (what: string, send: (status: number, body: unknown) => void) => {
    if (what === 'issues') {
      return send(
        200,
        issues.issues.map((i) => ({
          ...i,
          comments: issues.comments.filter((c) => c.repo === i.repo && c.issueNumber === i.number),
        })),
      );
    }
    if (what === 'requests') return send(200, [...log]);
    send(404, notFound().body());
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname.replace(/^\/api\/v3(?=\/)/, '');
    const method = req.method ?? 'GET';
    const raw = await readBody(req);
    const requestId = randomBytes(8).toString('hex').toUpperCase();
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      if (!path.startsWith('/_sandbox/')) log.push({ method, path, status, body });
      remaining = Math.max(0, remaining - 1);
      const text = status === 204 ? '' : JSON.stringify(body);
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'x-github-media-type': 'github.v3; format=json',
        'x-github-api-version-selected': '2022-11-28',
        'x-github-request-id': requestId,
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': String(remaining),
        'x-ratelimit-used': String(5000 - remaining),
        'x-ratelimit-reset': String(Math.floor(now() / 1000) + 3600),
        'x-ratelimit-resource': 'core',
        ...headers,
      });
      res.end(text);
    };
    try {
      if (opts.token !== undefined) {
        const given = /^(?:token|bearer)\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
        if (given !== opts.token) throw new GitHubApiError(401, 'Bad credentials');
      }
      const fault = faults.take(method, path);
      if (fault) {
        if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
        const answer = faultAnswer(fault, requestId, now());
        return send(answer.status, answer.error.body(), answer.headers);
      }
      if (path.startsWith('/_sandbox/') && method === 'GET') return sendInspection(path.slice(10), send);
      const m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path);
      if (!m) throw notFound();
      const repo = repos.get(`${decodeURIComponent(m[1]!)}/${decodeURIComponent(m[2]!)}`.toLowerCase());
      if (!repo) throw notFound('https://docs.github.com/rest/repos/repos#get-a-repository');
      let body: Record<string, unknown> = {};
      if (raw !== '') {
        try {
          body = JSON.parse(raw) as Record<string, unknown>;
        } catch {
          throw new GitHubApiError(400, 'Problems parsing JSON');
        }
      }
      const git = gitRepos.get(repo.fullName.toLowerCase());
      const out =
        (git && gitRoute(method, m[3] ?? '', { repo: git, query: url.searchParams, body, pulls, viewer })) ??
        route(method, m[3] ?? '', { repo, query: url.searchParams, body, issues });
      send(out.status, out.body);
    } catch (err) {
      if (err instanceof GitHubApiError) return send(err.status, err.body());
      send(500, { message: 'Server Error', detail: (err as Error).message });
    }
  };

  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  urls.api = `http://${host}:${addr.port}`;

  return {
    url: urls.api,
    faults,
    issues: (repo) => issues.issues.filter((i) => repo === undefined || i.repo === repo),
    comments: (repo, n) =>
      issues.comments.filter(
        (c) => (repo === undefined || c.repo === repo) && (n === undefined || c.issueNumber === n),
      ),
    requests: () => [...log],
    pulls: (repo) => pulls.pulls.filter((p) => repo === undefined || p.repo === repo),
    review: (repo, n, login, event) => {
      const r = gitRepo(repo);
      pulls.review(r, pulls.find(r, n), { event }, login);
    },
    merge: (repo, n, login, method = 'merge') => {
      const r = gitRepo(repo);
      return pulls.merge(r, pulls.find(r, n), { merge_method: method }, login).sha;
    },
    push: (repo, o) => {
      const r = gitRepo(repo);
      const branch = o.branch ?? r.defaultBranch;
      const edits = new Map(
        Object.entries(o.files).map(([p, c]) => [p, c === null ? null : Buffer.from(c, 'utf8')] as const),
      );
      const saved = r.protection.get(branch);
      r.protection.delete(branch);
      try {
        return r.commitToBranch(branch, edits, o.message, r.person(o.author));
      } finally {
        if (saved) r.protection.set(branch, saved);
      }
    },
    head: (repo, branch) => gitRepo(repo).branchSha(branch ?? 'main'),
    file: (repo, ref, path) => {
      const r = gitRepo(repo);
      const sha = r.resolve(ref);
      return sha ? r.fileText(sha, path) : undefined;
    },
    protect: (repo, branch, rules) => {
      const r = gitRepo(repo);
      if (!rules) r.protection.delete(branch);
      else
        r.protection.set(branch, {
          requiredApprovingReviewCount: rules.requiredApprovingReviewCount ?? 0,
          requiredStatusChecks: rules.requiredStatusChecks ?? [],
        });
    },
    status: (repo, sha, context, state) => {
      const r = gitRepo(repo);
      const m = r.statuses.get(sha) ?? new Map<string, string>();
      r.statuses.set(sha, m.set(context, state));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const RATE_LIMIT_DOCS = 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api';

/** What GitHub sends for an injected fault: status, error body and the headers that go with it. */
function faultAnswer(
  fault: GitHubFault,
  requestId: string,
  nowMs: number,
): { status: number; error: GitHubApiError; headers: Record<string, string> } {
  const wait = fault.retryAfter ?? 60;
  const support = `If you reach out to GitHub Support for help, please include the request ID ${requestId}.`;
  if (fault.rateLimit === 'secondary') {
    const message =
      fault.message ??
      `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. ${support}`;
    return {
      status: fault.status ?? 403,
      error: new GitHubApiError(
        fault.status ?? 403,
        message,
        `${RATE_LIMIT_DOCS}#about-secondary-rate-limits`,
      ),
      headers: { 'retry-after': String(wait) },
    };
  }
  if (fault.rateLimit === 'primary') {
    const message = fault.message ?? `API rate limit exceeded for user ID 1. ${support}`;
    return {
      status: fault.status ?? 403,
      error: new GitHubApiError(
        fault.status ?? 403,
        message,
        `${RATE_LIMIT_DOCS}#about-the-primary-rate-limit`,
      ),
      headers: {
        'x-ratelimit-remaining': '0',
        'x-ratelimit-used': '5000',
        'x-ratelimit-reset': String(Math.ceil(nowMs / 1000) + wait),
      },
    };
  }
  const status = fault.status ?? 500;
  return {
    status,
    error: new GitHubApiError(status, fault.message ?? defaultMessage(status)),
    headers: fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {},
  };
}

function defaultMessage(status: number): string {
  if (status === 403)
    return 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';
  if (status === 429) return 'API rate limit exceeded';
  if (status >= 500) return status === 502 ? 'Server Error' : 'Service Unavailable';
  return 'Error';
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
