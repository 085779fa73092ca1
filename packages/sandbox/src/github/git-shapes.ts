import type { GitPerson } from './git-objects.js';
import type { GitRepo } from './git-repo.js';
import { numericId, userShape } from './model.js';

/** The JSON GitHub's REST API answers for git objects, refs, commits and contents of a GitRepo. */

const verification = {
  verified: false,
  reason: 'unsigned',
  signature: null,
  payload: null,
  verified_at: null,
};

export function refShape(r: GitRepo, ref: string, sha: string): Record<string, unknown> {
  return {
    ref: `refs/${ref}`,
    node_id: `REF_${numericId(`${r.fullName}:${ref}`)}`,
    url: `${r.apiBase}/git/refs/${ref}`,
    object: { sha, type: 'commit', url: `${r.apiBase}/git/commits/${sha}` },
  };
}

export function gitCommitShape(r: GitRepo, sha: string): Record<string, unknown> {
  const c = r.commit(sha);
  return {
    sha,
    node_id: `C_${numericId(sha)}`,
    url: `${r.apiBase}/git/commits/${sha}`,
    html_url: `${r.htmlBase}/commit/${sha}`,
    author: c.author,
    committer: c.committer,
    message: c.message,
    tree: { sha: c.tree, url: `${r.apiBase}/git/trees/${c.tree}` },
    parents: c.parents.map((p) => ({
      sha: p,
      url: `${r.apiBase}/git/commits/${p}`,
      html_url: `${r.htmlBase}/commit/${p}`,
    })),
    verification,
  };
}

const login = (p: GitPerson) => p.email.replace(/@users\.noreply\.github\.com$/, '');

/** `GET /repos/{o}/{r}/commits[/{ref}]`: the commit with its author's account (and files, for one). */
export function commitShape(r: GitRepo, sha: string, withFiles = false): Record<string, unknown> {
  const c = r.commit(sha);
  const out: Record<string, unknown> = {
    sha,
    node_id: `C_${numericId(sha)}`,
    commit: {
      author: c.author,
      committer: c.committer,
      message: c.message,
      tree: { sha: c.tree, url: `${r.apiBase}/git/trees/${c.tree}` },
      url: `${r.apiBase}/git/commits/${sha}`,
      comment_count: 0,
      verification,
    },
    url: `${r.apiBase}/commits/${sha}`,
    html_url: `${r.htmlBase}/commit/${sha}`,
    comments_url: `${r.apiBase}/commits/${sha}/comments`,
    author: userShape(login(c.author), r.urls),
    committer: userShape(login(c.committer), r.urls),
    parents: c.parents.map((p) => ({
      sha: p,
      url: `${r.apiBase}/commits/${p}`,
      html_url: `${r.htmlBase}/commit/${p}`,
    })),
  };
  if (withFiles) {
    const files = r.changes(sha).map((f) => ({
      sha: f.sha,
      filename: f.filename,
      status: f.status,
      additions: 0,
      deletions: 0,
      changes: 0,
      blob_url: `${r.htmlBase}/blob/${sha}/${f.filename}`,
      raw_url: `${r.htmlBase}/raw/${sha}/${f.filename}`,
      contents_url: `${r.apiBase}/contents/${f.filename}?ref=${sha}`,
    }));
    out.stats = { total: 0, additions: 0, deletions: 0 };
    out.files = files;
  }
  return out;
}

export function contentEntry(
  r: GitRepo,
  path: string,
  type: 'file' | 'dir',
  sha: string,
  size: number,
  ref: string,
) {
  const url = `${r.apiBase}/contents/${path}?ref=${encodeURIComponent(ref)}`;
  const htmlUrl = `${r.htmlBase}/${type === 'file' ? 'blob' : 'tree'}/${ref}/${path}`;
  const gitUrl = `${r.apiBase}/git/${type === 'file' ? 'blobs' : 'trees'}/${sha}`;
  return {
    type,
    name: path.split('/').pop()!,
    path,
    sha,
    size,
    url,
    html_url: htmlUrl,
    git_url: gitUrl,
    download_url: type === 'file' ? `${r.htmlBase}/raw/${ref}/${path}` : null,
    _links: { self: url, git: gitUrl, html: htmlUrl },
  };
}

/** base64 in 60-character lines, as GitHub sends file content. */
export function base64Lines(buf: Buffer): string {
  const b = buf.toString('base64').replace(/.{60}/g, '$&\n');
  return b.endsWith('\n') ? b : `${b}\n`;
}

export function repoShape(r: GitRepo): Record<string, unknown> {
  const id = numericId(`repo:${r.fullName}`);
  return {
    id,
    node_id: `R_${id}`,
    name: r.repo.name,
    full_name: r.fullName,
    private: false,
    owner: userShape(r.repo.owner, r.urls),
    html_url: r.htmlBase,
    description: null,
    fork: false,
    url: r.apiBase,
    default_branch: r.defaultBranch,
    visibility: 'public',
    archived: false,
    disabled: false,
    has_issues: true,
    open_issues_count: 0,
    topics: [],
    allow_merge_commit: true,
    allow_squash_merge: true,
    allow_rebase_merge: true,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    permissions: { admin: false, maintain: false, push: true, triage: true, pull: true },
  };
}

export function branchShape(r: GitRepo, name: string): Record<string, unknown> {
  const sha = r.branchSha(name);
  const p = r.protection.get(name);
  return {
    name,
    commit: commitShape(r, sha),
    _links: { self: `${r.apiBase}/branches/${name}`, html: `${r.htmlBase}/tree/${name}` },
    protected: Boolean(p),
    protection: {
      enabled: Boolean(p),
      required_status_checks: {
        enforcement_level: p?.requiredStatusChecks.length ? 'non_admins' : 'off',
        contexts: p?.requiredStatusChecks ?? [],
        checks: (p?.requiredStatusChecks ?? []).map((context) => ({ context, app_id: null })),
      },
    },
    protection_url: `${r.apiBase}/branches/${name}/protection`,
  };
}

export function protectionShape(r: GitRepo, name: string): Record<string, unknown> {
  const p = r.protection.get(name)!;
  const url = `${r.apiBase}/branches/${name}/protection`;
  return {
    url,
    required_status_checks: p.requiredStatusChecks.length
      ? {
          url: `${url}/required_status_checks`,
          strict: false,
          contexts: p.requiredStatusChecks,
          checks: p.requiredStatusChecks.map((context) => ({ context, app_id: null })),
        }
      : undefined,
    required_pull_request_reviews: {
      url: `${url}/required_pull_request_reviews`,
      dismiss_stale_reviews: false,
      require_code_owner_reviews: false,
      require_last_push_approval: false,
      required_approving_review_count: p.requiredApprovingReviewCount,
    },
    enforce_admins: { url: `${url}/enforce_admins`, enabled: false },
    required_linear_history: { enabled: false },
    allow_force_pushes: { enabled: false },
    allow_deletions: { enabled: false },
  };
}
