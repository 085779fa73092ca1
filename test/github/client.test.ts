/**
 * rollbot's GitHub client (src/github/client.ts) against the GitHub double answering as GitHub
 * does: a secondary rate limit (403, `retry-after`, "secondary rate limit" in the message) and a
 * 502 are retried by @octokit/plugin-throttling and @octokit/plugin-retry; a rate limit asking
 * for longer than rollbot waits, and a 404, are not. Every attempt leaves a log line.
 */
import { type GitHubDouble, startGitHubDouble } from '@rollbot/sandbox/github';
import { loadScenario } from '@rollbot/sandbox/scenario';
import { createGitHubClient, type GitHubClient } from '../../src/github/client.js';
import { createLogger, memoryDestination } from '../../src/log/logger.js';

const TOKEN = 'ghp_client_test_token_0123456789';
let gh: GitHubDouble;
let github: GitHubClient;
let lines: string[];

beforeAll(async () => {
  gh = await startGitHubDouble({ scenario: await loadScenario(), token: TOKEN });
});
afterAll(() => gh.close());
beforeEach(() => {
  gh.faults.clear();
  const dest = memoryDestination();
  lines = dest.lines;
  github = createGitHubClient({
    token: TOKEN,
    baseUrl: gh.url,
    log: createLogger({ level: 'debug', destination: dest }),
  });
});

const compare = () =>
  github.rest.repos.compareCommitsWithBasehead({
    owner: 'acme',
    repo: 'payments-api',
    basehead: 'v1.4.2...v1.5.0',
  });
const compareRequests = () => gh.requests().filter((r) => r.path.includes('/compare/'));
const logged = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

test('a 403 secondary rate limit is waited out (retry-after) and retried, then succeeds', async () => {
  const before = compareRequests().length;
  gh.faults.add({ pathPattern: '/compare/', rateLimit: 'secondary', retryAfter: 1 });
  const res = await compare();
  expect(res.status).toBe(200);
  expect(res.data.total_commits).toBe(4);
  expect(
    compareRequests()
      .slice(before)
      .map((r) => r.status),
  ).toEqual([403, 200]);
  const warning = logged().find((l) => String(l.msg).includes('secondary rate limit'));
  expect(warning).toMatchObject({ level: 'warn', component: 'github', retryAfter: 1, retrying: true });
  // One debug line per attempt, the refused one included.
  const attempts = logged().filter(
    (l) => String(l.msg).startsWith('github request') && String(l.url).includes('compare'),
  );
  expect(attempts.map((l) => l.status)).toEqual([403, 200]);
});

test('a 502 is retried by plugin-retry, then succeeds', async () => {
  const before = compareRequests().length;
  gh.faults.add({ pathPattern: '/compare/', status: 502 });
  const res = await compare();
  expect(res.status).toBe(200);
  expect(
    compareRequests()
      .slice(before)
      .map((r) => r.status),
  ).toEqual([502, 200]);
});

test('a primary rate limit (x-ratelimit-remaining: 0) waits for x-ratelimit-reset, then succeeds', async () => {
  const before = compareRequests().length;
  gh.faults.add({ pathPattern: '/compare/', rateLimit: 'primary', retryAfter: 1 });
  expect((await compare()).status).toBe(200);
  expect(
    compareRequests()
      .slice(before)
      .map((r) => r.status),
  ).toEqual([403, 200]);
  expect(logged().some((l) => String(l.msg).includes('primary rate limit: retrying'))).toBe(true);
});

test('a secondary limit asking for an hour is not waited out: the call fails at once, saying why', async () => {
  const before = compareRequests().length;
  gh.faults.add({ pathPattern: '/compare/', rateLimit: 'secondary', retryAfter: 3600 });
  await expect(compare()).rejects.toMatchObject({
    status: 403,
    message: expect.stringMatching(/secondary rate limit/),
  });
  expect(compareRequests().slice(before)).toHaveLength(1);
  expect(logged().find((l) => String(l.msg).includes('giving up'))).toMatchObject({
    retryAfter: 3600,
    retrying: false,
  });
});

test('a 404 is an answer, not a failure to retry', async () => {
  const before = gh.requests().length;
  await expect(github.rest.repos.get({ owner: 'acme', repo: 'nope' })).rejects.toMatchObject({ status: 404 });
  expect(gh.requests().slice(before)).toHaveLength(1);
});
