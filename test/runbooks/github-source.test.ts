import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { Octokit } from '@octokit/rest';
import { loadRunbooksFromGitHub } from '../../src/runbooks/github-source.js';

const SHA = '4a58329e6faf203ea97f805ff253911782de2194';

// A GitHub REST double on a free port: just the three endpoints the loader calls.
let server: Server;
let baseUrl: string;
let files: Record<string, string>;
const requests: string[] = [];
beforeAll(async () => {
  files = {
    'runbooks/payments-api.yaml': await readFile(
      new URL('../../runbooks/payments-api.yaml', import.meta.url),
      'utf8',
    ),
    'runbooks/README.md': '# not a runbook\n',
  };
  server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    requests.push(`${url.pathname}?${url.searchParams}`);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (url.pathname === '/repos/acme/ops/commits/main') return send(200, { sha: SHA });
    const m = /^\/repos\/acme\/ops\/contents\/(.+)$/.exec(url.pathname);
    if (m && url.searchParams.get('ref') === SHA) {
      const path = decodeURIComponent(m[1]!);
      if (path === 'runbooks') {
        return send(
          200,
          Object.keys(files).map((p) => ({ type: 'file', name: p.split('/').pop(), path: p })),
        );
      }
      if (files[path] !== undefined) {
        return send(200, {
          type: 'file',
          encoding: 'base64',
          content: Buffer.from(files[path]!).toString('base64'),
        });
      }
    }
    send(404, { message: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

test('loads runbooks from a repository directory at the commit the ref points to', async () => {
  const octokit = new Octokit({ baseUrl, request: { retries: 0 } });
  const { runbooks, errors, commitSha } = await loadRunbooksFromGitHub(octokit, {
    repo: 'acme/ops',
    path: 'runbooks',
    ref: 'main',
  });
  expect(errors).toEqual([]);
  expect(commitSha).toBe(SHA);
  expect(runbooks).toHaveLength(1);
  expect(runbooks[0]).toMatchObject({
    sha256: createHash('sha256').update(files['runbooks/payments-api.yaml']!).digest('hex'),
    source: {
      kind: 'github',
      repo: 'acme/ops',
      ref: 'main',
      commitSha: SHA,
      path: 'runbooks/payments-api.yaml',
    },
  });
  expect(runbooks[0]!.runbook.name).toBe('payments-api');
  expect(requests.filter((r) => r.includes('/contents/')).every((r) => r.includes(`ref=${SHA}`))).toBe(true);
});

test('an unknown ref is a not_found RollbotError', async () => {
  const octokit = new Octokit({ baseUrl, request: { retries: 0 } });
  await expect(
    loadRunbooksFromGitHub(octokit, { repo: 'acme/ops', path: 'runbooks', ref: 'nope' }),
  ).rejects.toMatchObject({
    code: 'not_found',
  });
});
