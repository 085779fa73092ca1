import { GitHubApiError, notFound } from './errors.js';
import type { IssueStore } from './issues.js';
import type { RepoModel } from './model.js';

/** The REST routes the double serves, each a method + path pattern over `/repos/{owner}/{repo}/…`. */
export interface RouteInput {
  repo: RepoModel;
  match: string[];
  query: URLSearchParams;
  body: Record<string, unknown>;
  issues: IssueStore;
}
export interface RouteOutput {
  status: number;
  body: unknown;
}
interface Route {
  method: string;
  pattern: RegExp;
  handle(input: RouteInput): RouteOutput;
}

const ok = (body: unknown, status = 200): RouteOutput => ({ status, body });
const num = (s: string) => {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw notFound();
  return n;
};

export const ROUTES: Route[] = [
  { method: 'GET', pattern: /^$/, handle: ({ repo }) => ok(repo.repoShape()) },
  { method: 'GET', pattern: /^\/compare\/(.+)$/, handle: ({ repo, match }) => ok(repo.compare(match[1]!)) },
  { method: 'GET', pattern: /^\/commits\/(.+)$/, handle: ({ repo, match }) => ok(repo.commit(match[1]!)) },
  {
    method: 'GET',
    pattern: /^\/contents(?:\/(.*))?$/,
    handle: ({ repo, match, query }) => ok(repo.contents(match[1] ?? '', query.get('ref') ?? undefined)),
  },
  {
    method: 'GET',
    pattern: /^\/issues$/,
    handle: ({ repo, query, issues }) => {
      const state = query.get('state') ?? 'open';
      const labels = (query.get('labels') ?? '').split(',').filter(Boolean);
      const list = issues.issues
        .filter((i) => i.repo === repo.fullName && (state === 'all' || i.state === state))
        .filter((i) => labels.every((l) => i.labels.includes(l)))
        .sort((a, b) => b.number - a.number);
      return ok(list.map((i) => issues.issueShape(i)));
    },
  },
  {
    method: 'POST',
    pattern: /^\/issues$/,
    handle: ({ repo, body, issues }) => ok(issues.issueShape(issues.create(repo.fullName, body)), 201),
  },
  {
    method: 'GET',
    pattern: /^\/issues\/(\d+)$/,
    handle: ({ repo, match, issues }) => ok(issues.issueShape(issues.find(repo.fullName, num(match[1]!)))),
  },
  {
    method: 'PATCH',
    pattern: /^\/issues\/(\d+)$/,
    handle: ({ repo, match, body, issues }) =>
      ok(issues.issueShape(issues.update(repo.fullName, num(match[1]!), body))),
  },
  {
    method: 'GET',
    pattern: /^\/issues\/(\d+)\/comments$/,
    handle: ({ repo, match, issues }) => {
      const n = num(match[1]!);
      issues.find(repo.fullName, n);
      return ok(
        issues.comments
          .filter((c) => c.repo === repo.fullName && c.issueNumber === n)
          .map((c) => issues.commentShape(c)),
      );
    },
  },
  {
    method: 'POST',
    pattern: /^\/issues\/(\d+)\/comments$/,
    handle: ({ repo, match, body, issues }) =>
      ok(issues.commentShape(issues.comment(repo.fullName, num(match[1]!), body)), 201),
  },
];

/** Finds the route for a path below `/repos/{o}/{r}`; a known path with another method is 404 too, as on GitHub. */
export function route(method: string, rest: string, input: Omit<RouteInput, 'match'>): RouteOutput {
  for (const r of ROUTES) {
    const m = r.pattern.exec(rest);
    if (m && r.method === method)
      return r.handle({
        ...input,
        match: [...m].map((s) => (s === undefined ? s : decodeURIComponent(s))) as string[],
      });
  }
  throw new GitHubApiError(404, 'Not Found', 'https://docs.github.com/rest');
}
