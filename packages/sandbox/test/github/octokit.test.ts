import { Octokit } from '@octokit/rest';
import { loadScenario, parseScenario } from '../../src/scenario/load.js';
import { startGitHubDouble, type GitHubDouble } from '../../src/github/index.js';

const TOKEN = 'ghp_sandbox';
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

describe('GitHub double with unmodified Octokit', () => {
  let gh: GitHubDouble;
  let octokit: Octokit;
  beforeAll(async () => {
    const scenario = await loadScenario();
    scenario.github.repos[0]!.files['runbooks/payments-api.yaml'] = 'service: payments-api\n';
    gh = await startGitHubDouble({ scenario, token: TOKEN });
    octokit = new Octokit({ baseUrl: gh.url, auth: TOKEN, log: silent });
  });
  afterAll(() => gh.close());

  it('compares two tags: the commits being reverted, oldest first', async () => {
    const { data } = await octokit.rest.repos.compareCommits({
      owner: 'acme',
      repo: 'payments-api',
      base: 'v1.4.2',
      head: 'v1.5.0',
    });
    expect(data).toMatchObject({ status: 'ahead', ahead_by: 4, behind_by: 0, total_commits: 4 });
    expect(data.commits.map((c) => c.commit.message)).toEqual([
      'Switch card tokenizer to new client',
      'Raise DB pool size to 200',
      'Retry declined charges automatically',
      'Release 1.5.0',
    ]);
    expect(data.commits[0]).toMatchObject({
      sha: '02a3b19a5e403fafb8fe0b9dbdcf546a1b02463a',
      html_url: 'https://github.com/acme/payments-api/commit/02a3b19a5e403fafb8fe0b9dbdcf546a1b02463a',
      commit: { author: { name: 'carol', date: '2026-11-18T10:00:00Z' } },
      author: { login: 'carol' },
    });
    const back = await octokit.rest.repos.compareCommitsWithBasehead({
      owner: 'acme',
      repo: 'payments-api',
      basehead: 'v1.5.0...f0a4e61',
    });
    expect(back.data).toMatchObject({ status: 'behind', ahead_by: 0, behind_by: 4, commits: [] });
    const same = await octokit.rest.repos.compareCommits({
      owner: 'acme',
      repo: 'payments-api',
      base: 'main',
      head: 'v1.5.0',
    });
    expect(same.data.status).toBe('identical');
  });

  it('creates an issue and a comment, and reads the issue back', async () => {
    const { data: issue, status } = await octokit.rest.issues.create({
      owner: 'acme',
      repo: 'payments-api',
      title: 'Postmortem: payments-api rollback',
      body: '## Timeline',
      labels: ['postmortem', { name: 'rollbot' }],
    });
    expect(status).toBe(201);
    expect(issue).toMatchObject({
      number: 1,
      state: 'open',
      html_url: 'https://github.com/acme/payments-api/issues/1',
    });
    expect(issue.labels.map((l) => (typeof l === 'string' ? l : l.name))).toEqual(['postmortem', 'rollbot']);
    const { data: comment } = await octokit.rest.issues.createComment({
      owner: 'acme',
      repo: 'payments-api',
      issue_number: 1,
      body: 'done',
    });
    expect(comment.html_url).toMatch(/\/issues\/1#issuecomment-\d+$/);
    const { data: read } = await octokit.rest.issues.get({
      owner: 'acme',
      repo: 'payments-api',
      issue_number: 1,
    });
    expect(read).toMatchObject({ title: 'Postmortem: payments-api rollback', comments: 1 });
    expect(gh.issues('acme/payments-api')).toHaveLength(1);
    expect(gh.comments('acme/payments-api', 1)[0]!.body).toBe('done');
  });

  it('serves file contents (base64) and directory listings', async () => {
    const { data } = await octokit.rest.repos.getContent({
      owner: 'acme',
      repo: 'payments-api',
      path: 'runbooks/payments-api.yaml',
      ref: 'v1.4.2',
    });
    if (Array.isArray(data) || data.type !== 'file') throw new Error('expected a file');
    expect(Buffer.from(data.content, 'base64').toString('utf8')).toBe('service: payments-api\n');
    expect(data.sha).toMatch(/^[0-9a-f]{40}$/);
    const { data: dir } = await octokit.rest.repos.getContent({
      owner: 'acme',
      repo: 'payments-api',
      path: '',
    });
    expect(Array.isArray(dir) && dir.map((e) => `${e.type}:${e.name}`)).toEqual([
      'file:README.md',
      'dir:runbooks',
    ]);
  });

  it('gets a commit and the repository', async () => {
    const { data } = await octokit.rest.repos.getCommit({
      owner: 'acme',
      repo: 'payments-api',
      ref: 'v1.4.1',
    });
    expect(data.sha).toBe('86d082653a2e191c4c708c4e273fc5c1fbd61bca');
    const { data: repo } = await octokit.rest.repos.get({ owner: 'acme', repo: 'payments-api' });
    expect(repo).toMatchObject({ full_name: 'acme/payments-api', default_branch: 'main' });
  });

  it("answers GitHub's errors: 401, 404, 422", async () => {
    const bad = new Octokit({ baseUrl: gh.url, auth: 'ghp_wrong', log: silent });
    const err = await bad.rest.repos.get({ owner: 'acme', repo: 'payments-api' }).catch((e: unknown) => e);
    // Octokit's RequestError (named HttpError), not a network failure.
    expect((err as Error).name).toBe('HttpError');
    expect(err).toMatchObject({ status: 401, response: { data: { message: 'Bad credentials' } } });
    await expect(octokit.rest.repos.get({ owner: 'acme', repo: 'nope' })).rejects.toMatchObject({
      status: 404,
      response: {
        data: { message: 'Not Found', documentation_url: expect.stringContaining('docs.github.com') },
      },
    });
    await expect(
      octokit.rest.repos.compareCommits({ owner: 'acme', repo: 'payments-api', base: 'v9', head: 'main' }),
    ).rejects.toMatchObject({ status: 404 });
    await expect(
      octokit.rest.repos.getCommit({ owner: 'acme', repo: 'payments-api', ref: 'nope' }),
    ).rejects.toMatchObject({ status: 422 });
    await expect(
      octokit.rest.issues.create({ owner: 'acme', repo: 'payments-api', title: '' }),
    ).rejects.toMatchObject({
      status: 422,
      response: {
        data: { message: 'Validation Failed', errors: [{ field: 'title', code: 'missing_field' }] },
      },
    });
  });

  it('injects faults for the next N matching requests', async () => {
    gh.faults.add({ pathPattern: '/compare/', status: 502, times: 2 });
    const compare = () =>
      octokit.rest.repos.compareCommits({
        owner: 'acme',
        repo: 'payments-api',
        base: 'v1.4.1',
        head: 'v1.4.2',
      });
    await expect(compare()).rejects.toMatchObject({ status: 502 });
    await expect(compare()).rejects.toMatchObject({ status: 502 });
    await expect(compare()).resolves.toMatchObject({ status: 200 });
  });
});

describe('GitHub double without a token', () => {
  it('accepts unauthenticated requests and GitHub Enterprise style base URLs', async () => {
    const gh = await startGitHubDouble({
      scenario: parseScenario('github: { repos: [{ owner: o, name: r }] }'),
    });
    try {
      const { data } = await new Octokit({ baseUrl: `${gh.url}/api/v3`, log: silent }).rest.repos.get({
        owner: 'o',
        repo: 'r',
      });
      expect(data.full_name).toBe('o/r');
    } finally {
      await gh.close();
    }
  });
});
