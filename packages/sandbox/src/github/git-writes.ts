import { GitHubApiError, validationFailed } from './errors.js';
import type { GitPerson } from './git-objects.js';
import { DOCS } from './git-repo.js';
import type { GitRoute, GitRouteInput } from './git-routes.js';
import { contentEntry, gitCommitShape, refShape } from './git-shapes.js';

/**
 * The writing routes of a git-backed repository: refs, blobs, trees, commits, contents, pull
 * requests (create, update, review, merge) and commit statuses, with GitHub's refusals.
 */
const ok = (body: unknown, status = 200) => ({ status, body });
const unprocessable = (message: string, docs: string) => new GitHubApiError(422, message, docs);

function personFrom(v: unknown, fallback: GitPerson): GitPerson {
  if (!v || typeof v !== 'object') return fallback;
  const p = v as Record<string, unknown>;
  return {
    name: typeof p.name === 'string' ? p.name : fallback.name,
    email: typeof p.email === 'string' ? p.email : fallback.email,
    date: typeof p.date === 'string' ? p.date : fallback.date,
  };
}

/** `PUT /contents/{path}`: "Invalid request." with what is missing, the sha check, then one commit. */
function putContents({ repo, match, body, viewer }: GitRouteInput) {
  const path = match[1]!.replace(/^\/+|\/+$/g, '');
  const missing = (field: string) =>
    new GitHubApiError(422, `Invalid request.\n\n"${field}" wasn't supplied.`, DOCS.contents);
  if (typeof body.message !== 'string') throw missing('message');
  if (typeof body.content !== 'string') throw missing('content');
  const branch = typeof body.branch === 'string' ? body.branch : repo.defaultBranch;
  const head = repo.refs.get(`heads/${branch}`);
  if (!head) throw new GitHubApiError(404, `Branch ${branch} not found`, DOCS.contents);
  const existing = repo.filesAt(head).get(path);
  if (existing !== undefined && body.sha === undefined) throw missing('sha');
  if (existing !== undefined && body.sha !== existing)
    throw new GitHubApiError(409, `${path} does not match ${String(body.sha)}`, DOCS.contents);
  const author = personFrom(body.committer, repo.person(viewer));
  const content = Buffer.from(body.content, 'base64');
  const sha = repo.commitToBranch(branch, new Map([[path, content]]), body.message, author);
  const blob = repo.filesAt(sha).get(path)!;
  return ok(
    {
      content: contentEntry(repo, path, 'file', blob, content.length, branch),
      commit: gitCommitShape(repo, sha),
    },
    existing === undefined ? 201 : 200,
  );
}

function createTree({ repo, body }: GitRouteInput) {
  if (!Array.isArray(body.tree)) throw validationFailed('Tree', 'tree', 'missing_field', DOCS.trees);
  let files = new Map<string, string>();
  if (typeof body.base_tree === 'string') {
    if (repo.objects.get(body.base_tree)?.type !== 'tree')
      throw unprocessable('Invalid tree info', DOCS.trees);
    files = repo.objects.files(body.base_tree);
  }
  for (const raw of body.tree as Record<string, unknown>[]) {
    const path = typeof raw.path === 'string' ? raw.path.replace(/^\/+|\/+$/g, '') : '';
    if (!path || !['100644', '100755', '040000', '120000'].includes(String(raw.mode)))
      throw unprocessable('Invalid tree info', DOCS.trees);
    if (raw.sha === null) {
      for (const p of [...files.keys()]) if (p === path || p.startsWith(`${path}/`)) files.delete(p);
    } else if (typeof raw.content === 'string') {
      files.set(path, repo.objects.blob(Buffer.from(raw.content, 'utf8')));
    } else if (
      typeof raw.sha === 'string' &&
      raw.type === 'tree' &&
      repo.objects.get(raw.sha)?.type === 'tree'
    ) {
      for (const [p, s] of repo.objects.files(raw.sha)) files.set(`${path}/${p}`, s);
    } else if (typeof raw.sha === 'string' && repo.objects.get(raw.sha)?.type === 'blob') {
      files.set(path, raw.sha);
    } else throw unprocessable('Invalid tree info', DOCS.trees);
  }
  const sha = repo.objects.treeFromFiles(files);
  const tree = repo.objects
    .walk(sha, false)
    .map((e) => ({ ...e, url: `${repo.apiBase}/git/${e.type}s/${e.sha}` }));
  return ok({ sha, url: `${repo.apiBase}/git/trees/${sha}`, tree, truncated: false }, 201);
}

function createCommit({ repo, body, viewer }: GitRouteInput) {
  if (typeof body.message !== 'string')
    throw validationFailed('Commit', 'message', 'missing_field', DOCS.commits);
  if (typeof body.tree !== 'string' || repo.objects.get(body.tree)?.type !== 'tree')
    throw unprocessable('Tree SHA does not exist', DOCS.commits);
  const parents = Array.isArray(body.parents) ? body.parents.map(String) : [];
  if (parents.some((p) => !repo.objects.commitObject(p)))
    throw unprocessable('Parent SHA does not exist', DOCS.commits);
  const author = personFrom(body.author, repo.person(viewer));
  const sha = repo.objects.commit({
    tree: body.tree,
    parents,
    author,
    committer: personFrom(body.committer, author),
    message: body.message,
  });
  return ok(gitCommitShape(repo, sha), 201);
}

export function gitWriteRoutes(num: (s: string) => number): GitRoute[] {
  return [
    {
      method: 'POST',
      pattern: /^\/git\/refs$/,
      handle: ({ repo, body }) => {
        const ref = typeof body.ref === 'string' ? body.ref : '';
        if (!/^refs\/[^/]+\/.+/.test(ref))
          throw unprocessable(
            'Reference name must start with refs/ and have at least two slashes.',
            DOCS.refs,
          );
        if (typeof body.sha !== 'string' || !repo.objects.commitObject(body.sha))
          throw unprocessable('Object does not exist', DOCS.refs);
        const name = ref.slice(5);
        if (repo.refs.has(name)) throw unprocessable('Reference already exists', DOCS.refs);
        repo.refs.set(name, body.sha);
        return ok(refShape(repo, name, body.sha), 201);
      },
    },
    {
      method: 'PATCH',
      pattern: /^\/git\/refs\/(.+)$/,
      handle: ({ repo, match, body }) => {
        const name = match[1]!;
        const now = repo.refs.get(name);
        if (!now) throw unprocessable('Reference does not exist', DOCS.refs);
        if (typeof body.sha !== 'string' || !repo.objects.commitObject(body.sha))
          throw unprocessable('Object does not exist', DOCS.refs);
        const branch = name.startsWith('heads/') ? name.slice(6) : undefined;
        if (branch && repo.protection.has(branch))
          throw unprocessable(`Protected branch update failed for refs/${name}.`, DOCS.refs);
        if (body.force !== true && !repo.isAncestor(now, body.sha))
          throw unprocessable('Update is not a fast forward', DOCS.refs);
        repo.refs.set(name, body.sha);
        return ok(refShape(repo, name, body.sha));
      },
    },
    {
      method: 'DELETE',
      pattern: /^\/git\/refs\/(.+)$/,
      handle: ({ repo, match }) => {
        if (!repo.refs.delete(match[1]!)) throw unprocessable('Reference does not exist', DOCS.refs);
        return ok(undefined, 204);
      },
    },
    {
      method: 'POST',
      pattern: /^\/git\/blobs$/,
      handle: ({ repo, body }) => {
        if (typeof body.content !== 'string')
          throw validationFailed('Blob', 'content', 'missing_field', DOCS.blobs);
        const enc = body.encoding === 'base64' ? 'base64' : 'utf8';
        const sha = repo.objects.blob(Buffer.from(body.content, enc));
        return ok({ sha, url: `${repo.apiBase}/git/blobs/${sha}` }, 201);
      },
    },
    { method: 'POST', pattern: /^\/git\/trees$/, handle: createTree },
    { method: 'POST', pattern: /^\/git\/commits$/, handle: createCommit },
    { method: 'PUT', pattern: /^\/contents\/(.+)$/, handle: putContents },
    {
      method: 'POST',
      pattern: /^\/pulls$/,
      handle: ({ repo, body, pulls, viewer }) => ok(pulls.shape(repo, pulls.create(repo, body, viewer)), 201),
    },
    {
      method: 'PATCH',
      pattern: /^\/pulls\/(\d+)$/,
      handle: ({ repo, match, body, pulls }) => {
        const pr = pulls.find(repo, num(match[1]!));
        if (typeof body.title === 'string') pr.title = body.title;
        if (typeof body.body === 'string') pr.body = body.body;
        if ((body.state === 'closed' || body.state === 'open') && !pr.merged) pr.state = body.state;
        return ok(pulls.shape(repo, pr));
      },
    },
    {
      method: 'PUT',
      pattern: /^\/pulls\/(\d+)\/merge$/,
      handle: ({ repo, match, body, pulls, viewer }) =>
        ok(pulls.merge(repo, pulls.find(repo, num(match[1]!)), body, viewer)),
    },
    {
      method: 'POST',
      pattern: /^\/pulls\/(\d+)\/reviews$/,
      handle: ({ repo, match, body, pulls, viewer }) => {
        const pr = pulls.find(repo, num(match[1]!));
        return ok(pulls.reviewShape(repo, pr, pulls.review(repo, pr, body, viewer)));
      },
    },
    {
      method: 'POST',
      pattern: /^\/statuses\/([0-9a-f]{40})$/,
      handle: ({ repo, match, body }) => {
        const state = String(body.state);
        if (!['error', 'failure', 'pending', 'success'].includes(state))
          throw validationFailed(
            'Status',
            'state',
            'invalid',
            'https://docs.github.com/rest/commits/statuses',
          );
        const context = typeof body.context === 'string' ? body.context : 'default';
        const m = repo.statuses.get(match[1]!) ?? new Map<string, string>();
        repo.statuses.set(match[1]!, m.set(context, state));
        return ok({ state, context, sha: match[1] }, 201);
      },
    },
  ];
}
