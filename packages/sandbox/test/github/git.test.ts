/**
 * The GitHub double's git-backed repositories, driven by unmodified Octokit: Git Data (refs, blobs,
 * trees, commits), commits touching a path, contents read and write, pull requests, merges, and
 * GitHub's refusals (conflicts, branch protection, a head that moved, a stale file sha).
 */
import { Octokit } from '@octokit/rest';
import { parseScenario } from '../../src/scenario/load.js';
import { startGitHubDouble, type GitHubDouble } from '../../src/github/index.js';

const TOKEN = 'ghp_sandbox_git';
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const owner = 'acme';
const repo = 'deploy';
const KUSTOMIZATION = 'apps/payments/kustomization.yaml';
const kustomization = (tag: string) =>
  `resources: [deployment.yaml]\nimages:\n  - name: registry.example.com/payments-api\n    newTag: "${tag}"\n`;

async function refusal(p: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await p;
  } catch (err) {
    const e = err as { status: number; response?: { data?: { message?: string } } };
    return { status: e.status, message: e.response?.data?.message ?? '' };
  }
  throw new Error('expected GitHub to refuse');
}

let gh: GitHubDouble;
let octokit: Octokit;
beforeEach(async () => {
  const scenario = parseScenario(
    JSON.stringify({
      github: {
        repos: [
          {
            owner,
            name: repo,
            history: [
              {
                message: 'payments 1.4.2',
                author: 'carol',
                date: '2026-11-01T10:00:00Z',
                files: {
                  [KUSTOMIZATION]: kustomization('1.4.2'),
                  'apps/payments/deployment.yaml': 'kind: Deployment\n',
                },
              },
              {
                message: 'docs',
                author: 'erin',
                date: '2026-11-02T10:00:00Z',
                files: { 'README.md': 'hello\n' },
              },
              {
                message: 'payments 1.5.0',
                author: 'carol',
                date: '2026-11-03T10:00:00Z',
                files: { [KUSTOMIZATION]: kustomization('1.5.0') },
              },
            ],
          },
        ],
      },
    }),
  );
  gh = await startGitHubDouble({ scenario, token: TOKEN });
  octokit = new Octokit({ baseUrl: gh.url, auth: TOKEN, log: silent, request: { retries: 0 } });
});
afterEach(() => gh.close());

test('objects are content-addressed as git does: a blob’s sha is `git hash-object`’s', async () => {
  const { data } = await octokit.rest.git.createBlob({ owner, repo, content: 'hello\n', encoding: 'utf-8' });
  expect(data.sha).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
  const readme = await octokit.rest.repos.getContent({ owner, repo, path: 'README.md' });
  expect((readme.data as { sha: string }).sha).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
  const empty = await octokit.rest.git.createTree({
    owner,
    repo,
    tree: [{ path: 'x', mode: '100644', type: 'blob', sha: null }],
  });
  expect(empty.data.sha).toBe('4b825dc642cb6eb9a060e54bf8d69288fbee4904');
});

test('commits touching a path, newest first, with the files each changed; contents at any commit', async () => {
  const { data } = await octokit.rest.repos.listCommits({ owner, repo, path: KUSTOMIZATION });
  expect(data.map((c) => c.commit.message)).toEqual(['payments 1.5.0', 'payments 1.4.2']);
  expect(data[0]!.author?.login).toBe('carol');
  const one = await octokit.rest.repos.getCommit({ owner, repo, ref: data[0]!.sha });
  expect(one.data.files?.map((f) => [f.filename, f.status])).toEqual([[KUSTOMIZATION, 'modified']]);
  expect(one.data.parents).toHaveLength(1);
  const before = await octokit.rest.repos.getContent({
    owner,
    repo,
    path: KUSTOMIZATION,
    ref: one.data.parents[0]!.sha,
  });
  expect(Buffer.from((before.data as { content: string }).content, 'base64').toString()).toContain(
    'newTag: "1.4.2"',
  );
  const dir = await octokit.rest.repos.getContent({ owner, repo, path: 'apps/payments' });
  expect((dir.data as { name: string }[]).map((e) => e.name)).toEqual([
    'deployment.yaml',
    'kustomization.yaml',
  ]);
  expect(await refusal(octokit.rest.repos.getCommit({ owner, repo, ref: 'nope' }))).toEqual({
    status: 422,
    message: 'No commit found for SHA: nope',
  });
});

test('a branch, a commit through the Git Data API, a pull request, and a merge that moves main', async () => {
  const main = await octokit.rest.git.getRef({ owner, repo, ref: 'heads/main' });
  const base = await octokit.rest.git.getCommit({ owner, repo, commit_sha: main.data.object.sha });
  const tree = await octokit.rest.git.createTree({
    owner,
    repo,
    base_tree: base.data.tree.sha,
    tree: [{ path: KUSTOMIZATION, mode: '100644', type: 'blob', content: kustomization('1.4.2') }],
  });
  const commit = await octokit.rest.git.createCommit({
    owner,
    repo,
    message: 'Revert payments to 1.4.2',
    tree: tree.data.sha,
    parents: [main.data.object.sha],
  });
  await octokit.rest.git.createRef({ owner, repo, ref: 'refs/heads/rollbot/revert', sha: commit.data.sha });
  expect(
    await refusal(
      octokit.rest.git.createRef({ owner, repo, ref: 'refs/heads/rollbot/revert', sha: commit.data.sha }),
    ),
  ).toEqual({
    status: 422,
    message: 'Reference already exists',
  });

  const pr = await octokit.rest.pulls.create({
    owner,
    repo,
    title: 'Revert payments to 1.4.2',
    head: 'rollbot/revert',
    base: 'main',
    body: 'incident',
  });
  expect(pr.status).toBe(201);
  expect(pr.data).toMatchObject({
    state: 'open',
    merged: false,
    mergeable: null,
    html_url: `https://github.com/acme/deploy/pull/${pr.data.number}`,
  });
  const again = await octokit.rest.pulls.get({ owner, repo, pull_number: pr.data.number });
  expect(again.data).toMatchObject({ mergeable: true, mergeable_state: 'clean' });
  expect(
    await refusal(
      octokit.rest.pulls.create({ owner, repo, title: 'dup', head: 'rollbot/revert', base: 'main' }),
    ),
  ).toMatchObject({ status: 422, message: 'Validation Failed' });

  expect(
    await refusal(
      octokit.rest.pulls.merge({ owner, repo, pull_number: pr.data.number, sha: main.data.object.sha }),
    ),
  ).toEqual({ status: 409, message: 'Head branch was modified. Review and try the merge again.' });
  const merged = await octokit.rest.pulls.merge({
    owner,
    repo,
    pull_number: pr.data.number,
    sha: commit.data.sha,
  });
  expect(merged.data).toMatchObject({ merged: true, message: 'Pull Request successfully merged' });
  const after = await octokit.rest.pulls.get({ owner, repo, pull_number: pr.data.number });
  expect(after.data).toMatchObject({
    state: 'closed',
    merged: true,
    merge_commit_sha: merged.data.sha,
    merged_by: { login: 'rollbot[bot]' },
  });
  expect(gh.file('acme/deploy', 'main', KUSTOMIZATION)).toContain('newTag: "1.4.2"');
  const mergeCommit = await octokit.rest.git.getCommit({ owner, repo, commit_sha: merged.data.sha });
  expect(mergeCommit.data.parents.map((p) => p.sha)).toEqual([main.data.object.sha, commit.data.sha]);
  expect(await refusal(octokit.rest.pulls.merge({ owner, repo, pull_number: pr.data.number }))).toEqual({
    status: 405,
    message: 'Pull Request is not mergeable',
  });
});

test('a conflict: main changed the same file since the branch was cut → mergeable false, dirty, 405', async () => {
  const cut = gh.head('acme/deploy');
  await octokit.rest.git.createRef({ owner, repo, ref: 'refs/heads/revert', sha: cut });
  const file = await octokit.rest.repos.getContent({ owner, repo, path: KUSTOMIZATION, ref: 'revert' });
  await octokit.rest.repos.createOrUpdateFileContents({
    owner,
    repo,
    path: KUSTOMIZATION,
    branch: 'revert',
    message: 'revert',
    content: Buffer.from(kustomization('1.4.2')).toString('base64'),
    sha: (file.data as { sha: string }).sha,
  });
  gh.push('acme/deploy', {
    message: 'payments 1.5.1',
    author: 'carol',
    files: { [KUSTOMIZATION]: kustomization('1.5.1') },
  });
  const pr = await octokit.rest.pulls.create({ owner, repo, title: 'revert', head: 'revert', base: 'main' });
  await octokit.rest.pulls.get({ owner, repo, pull_number: pr.data.number });
  const read = await octokit.rest.pulls.get({ owner, repo, pull_number: pr.data.number });
  expect(read.data).toMatchObject({ mergeable: false, mergeable_state: 'dirty' });
  expect(await refusal(octokit.rest.pulls.merge({ owner, repo, pull_number: pr.data.number }))).toEqual({
    status: 405,
    message: 'Pull Request is not mergeable',
  });
});

test('branch protection: required reviews and status checks refuse the merge with GitHub’s 405s; a human approval lets it through', async () => {
  gh.protect('acme/deploy', 'main', { requiredApprovingReviewCount: 1 });
  const protection = await octokit.rest.repos.getBranchProtection({ owner, repo, branch: 'main' });
  expect(protection.data.required_pull_request_reviews?.required_approving_review_count).toBe(1);
  const branch = await octokit.rest.repos.getBranch({ owner, repo, branch: 'main' });
  expect(branch.data.protected).toBe(true);

  await octokit.rest.git.createRef({ owner, repo, ref: 'refs/heads/revert', sha: gh.head('acme/deploy') });
  await octokit.rest.repos.createOrUpdateFileContents({
    owner,
    repo,
    path: 'NOTE.md',
    branch: 'revert',
    message: 'note',
    content: Buffer.from('x\n').toString('base64'),
  });
  // Writing straight to the protected branch is refused.
  expect(
    await refusal(
      octokit.rest.repos.createOrUpdateFileContents({
        owner,
        repo,
        path: 'NOTE.md',
        message: 'note',
        content: 'eA==',
      }),
    ),
  ).toEqual({ status: 409, message: 'Protected branch update failed for refs/heads/main.' });
  const pr = await octokit.rest.pulls.create({ owner, repo, title: 'note', head: 'revert', base: 'main' });
  await octokit.rest.pulls.get({ owner, repo, pull_number: pr.data.number });
  expect(
    (await octokit.rest.pulls.get({ owner, repo, pull_number: pr.data.number })).data.mergeable_state,
  ).toBe('blocked');
  expect(await refusal(octokit.rest.pulls.merge({ owner, repo, pull_number: pr.data.number }))).toEqual({
    status: 405,
    message: 'At least 1 approving review is required by reviewers with write access.',
  });
  // The author cannot approve their own pull request.
  expect(
    await refusal(
      octokit.rest.pulls.createReview({ owner, repo, pull_number: pr.data.number, event: 'APPROVE' }),
    ),
  ).toMatchObject({ status: 422 });

  gh.protect('acme/deploy', 'main', { requiredApprovingReviewCount: 1, requiredStatusChecks: ['ci'] });
  gh.review('acme/deploy', pr.data.number, 'bob', 'APPROVE');
  expect(await refusal(octokit.rest.pulls.merge({ owner, repo, pull_number: pr.data.number }))).toEqual({
    status: 405,
    message: 'Required status check "ci" is expected.',
  });
  await octokit.rest.repos.createCommitStatus({
    owner,
    repo,
    sha: pr.data.head.sha,
    state: 'success',
    context: 'ci',
  });
  const merged = await octokit.rest.pulls.merge({ owner, repo, pull_number: pr.data.number });
  expect(merged.data.merged).toBe(true);
});

test('contents writes: create 201, update needs the current sha (422 without, 409 when stale); refs move only forward', async () => {
  const created = await octokit.rest.repos.createOrUpdateFileContents({
    owner,
    repo,
    path: 'NEW.md',
    message: 'new',
    content: Buffer.from('one\n').toString('base64'),
  });
  expect(created.status).toBe(201);
  expect(
    await refusal(
      octokit.rest.repos.createOrUpdateFileContents({
        owner,
        repo,
        path: 'NEW.md',
        message: 'edit',
        content: 'dHdvCg==',
      }),
    ),
  ).toEqual({ status: 422, message: 'Invalid request.\n\n"sha" wasn\'t supplied.' });
  expect(
    await refusal(
      octokit.rest.repos.createOrUpdateFileContents({
        owner,
        repo,
        path: 'NEW.md',
        message: 'edit',
        content: 'dHdvCg==',
        sha: 'ce013625030ba8dba906f756967f9e9ca394464a',
      }),
    ),
  ).toMatchObject({ status: 409 });
  const updated = await octokit.rest.repos.createOrUpdateFileContents({
    owner,
    repo,
    path: 'NEW.md',
    message: 'edit',
    content: 'dHdvCg==',
    sha: created.data.content!.sha!,
  });
  expect(updated.status).toBe(200);
  const first = (await octokit.rest.repos.listCommits({ owner, repo, per_page: 100 })).data.at(-1)!.sha;
  expect(await refusal(octokit.rest.git.updateRef({ owner, repo, ref: 'heads/main', sha: first }))).toEqual({
    status: 422,
    message: 'Update is not a fast forward',
  });
});
