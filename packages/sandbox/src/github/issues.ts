import { GitHubApiError, notFound, validationFailed } from './errors.js';
import { numericId, userShape, type Urls } from './model.js';

/**
 * Issues and issue comments created through the double, kept per repository so tests can read
 * what rollbot filed (postmortems, follow-ups). Shapes follow the REST API's issue objects.
 */
export interface StoredIssue {
  repo: string;
  number: number;
  title: string;
  body: string | null;
  labels: string[];
  assignees: string[];
  state: 'open' | 'closed';
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export interface StoredComment {
  repo: string;
  issueNumber: number;
  id: number;
  body: string;
  createdAt: string;
}

const DOCS_CREATE = 'https://docs.github.com/rest/issues/issues#create-an-issue';
const DOCS_COMMENT = 'https://docs.github.com/rest/issues/comments#create-an-issue-comment';

type Body = Record<string, unknown>;

export class IssueStore {
  readonly issues: StoredIssue[] = [];
  readonly comments: StoredComment[] = [];
  private nextNumber = new Map<string, number>();
  private nextCommentId = 1_000_000;

  constructor(
    private readonly urls: Urls,
    private readonly viewer: string,
    private readonly now: () => number,
  ) {}

  private iso = () => new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');

  /** The next issue number of a repository: pull requests draw from the same sequence, as on GitHub. */
  allocate(repo: string): number {
    const number = this.nextNumber.get(repo) ?? 1;
    this.nextNumber.set(repo, number + 1);
    return number;
  }

  find(repo: string, number: number): StoredIssue {
    const issue = this.issues.find((i) => i.repo === repo && i.number === number);
    if (!issue) throw notFound('https://docs.github.com/rest/issues/issues#get-an-issue');
    return issue;
  }

  create(repo: string, body: Body): StoredIssue {
    if (typeof body.title !== 'string' && typeof body.title !== 'number')
      throw validationFailed('Issue', 'title', 'missing_field', DOCS_CREATE);
    if (String(body.title).trim() === '')
      throw validationFailed('Issue', 'title', 'missing_field', DOCS_CREATE);
    const number = this.allocate(repo);
    const at = this.iso();
    const issue: StoredIssue = {
      repo,
      number,
      title: String(body.title),
      body: typeof body.body === 'string' ? body.body : null,
      labels: labelNames(body.labels),
      assignees: Array.isArray(body.assignees) ? body.assignees.map(String) : [],
      state: 'open',
      createdAt: at,
      updatedAt: at,
      closedAt: null,
    };
    this.issues.push(issue);
    return issue;
  }

  update(repo: string, number: number, body: Body): StoredIssue {
    const issue = this.find(repo, number);
    if (body.title !== undefined) issue.title = String(body.title);
    if (body.body !== undefined) issue.body = body.body === null ? null : String(body.body);
    if (body.labels !== undefined) issue.labels = labelNames(body.labels);
    if (body.state !== undefined) {
      if (body.state !== 'open' && body.state !== 'closed')
        throw validationFailed('Issue', 'state', 'invalid');
      issue.state = body.state;
      issue.closedAt = body.state === 'closed' ? this.iso() : null;
    }
    issue.updatedAt = this.iso();
    return issue;
  }

  comment(repo: string, number: number, body: Body): StoredComment {
    this.find(repo, number);
    if (typeof body.body !== 'string' || body.body === '')
      throw validationFailed('IssueComment', 'body', 'missing_field', DOCS_COMMENT);
    if (body.body.length > 65_536)
      throw new GitHubApiError(422, 'Validation Failed', DOCS_COMMENT, [
        {
          resource: 'IssueComment',
          code: 'custom',
          field: 'body',
          message: 'body is too long (maximum is 65536 characters)',
        },
      ]);
    const c: StoredComment = {
      repo,
      issueNumber: number,
      id: this.nextCommentId++,
      body: body.body,
      createdAt: this.iso(),
    };
    this.comments.push(c);
    return c;
  }

  issueShape(i: StoredIssue): Record<string, unknown> {
    const api = `${this.urls.api}/repos/${i.repo}/issues/${i.number}`;
    const id = numericId(`issue:${i.repo}#${i.number}`);
    return {
      id,
      node_id: `I_${id}`,
      url: api,
      repository_url: `${this.urls.api}/repos/${i.repo}`,
      labels_url: `${api}/labels{/name}`,
      comments_url: `${api}/comments`,
      events_url: `${api}/events`,
      html_url: `${this.urls.html}/${i.repo}/issues/${i.number}`,
      number: i.number,
      state: i.state,
      state_reason: i.state === 'closed' ? 'completed' : null,
      title: i.title,
      body: i.body,
      user: userShape(this.viewer, this.urls, 'Bot'),
      labels: i.labels.map((name) => ({
        id: numericId(`label:${i.repo}:${name}`),
        node_id: `LA_${numericId(`label:${i.repo}:${name}`)}`,
        url: `${this.urls.api}/repos/${i.repo}/labels/${encodeURIComponent(name)}`,
        name,
        color: 'ededed',
        default: false,
        description: null,
      })),
      assignee: i.assignees[0] ? userShape(i.assignees[0], this.urls) : null,
      assignees: i.assignees.map((a) => userShape(a, this.urls)),
      milestone: null,
      locked: false,
      active_lock_reason: null,
      comments: this.comments.filter((c) => c.repo === i.repo && c.issueNumber === i.number).length,
      closed_at: i.closedAt,
      created_at: i.createdAt,
      updated_at: i.updatedAt,
      closed_by: null,
      author_association: 'NONE',
    };
  }

  commentShape(c: StoredComment): Record<string, unknown> {
    return {
      id: c.id,
      node_id: `IC_${c.id}`,
      url: `${this.urls.api}/repos/${c.repo}/issues/comments/${c.id}`,
      html_url: `${this.urls.html}/${c.repo}/issues/${c.issueNumber}#issuecomment-${c.id}`,
      issue_url: `${this.urls.api}/repos/${c.repo}/issues/${c.issueNumber}`,
      body: c.body,
      user: userShape(this.viewer, this.urls, 'Bot'),
      created_at: c.createdAt,
      updated_at: c.createdAt,
      author_association: 'NONE',
    };
  }
}

function labelNames(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  return v
    .map((l) =>
      typeof l === 'object' && l !== null ? String((l as { name?: unknown }).name ?? '') : String(l),
    )
    .filter(Boolean);
}
