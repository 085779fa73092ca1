import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { githubComment } from '../../src/steps/github-comment.js';
import { githubIssue } from '../../src/steps/github-issue.js';
import { httpCheck } from '../../src/steps/http-check.js';
import { httpRequest } from '../../src/steps/http-request.js';
import { interpolate } from '../../src/steps/interpolate.js';
import { rolloutUndo } from '../../src/steps/k8s-rollout-undo.js';
import { waitRollout } from '../../src/steps/k8s-wait-rollout.js';
import { prometheusCheck } from '../../src/steps/prometheus-check.js';
import { slackNotify } from '../../src/steps/slack-notify.js';
import { RollbotError } from '../../src/core/errors.js';
import { startWorld, type World } from '../helpers/world.js';
import { deploymentPatches } from '../executor/harness.js';
import { stepContext } from './context.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world.close();
});

const ERROR_RATIO =
  'sum(rate(http_requests_total{service="payments-api",code=~"5.."}[1m])) / sum(rate(http_requests_total{service="payments-api"}[1m]))';

test('interpolate fills placeholders and refuses unknown ones or unset env variables', async () => {
  const incident = await world.approvedIncident({ id: 'inc-interp-1', service: 'payments-api' });
  const params = {
    text: '{{ service }} → r{{ target.revision }} ({{ target.image }}) {{incident.id}}',
    headers: { a: '{{ env.TOKEN }}' },
    n: 3,
  };
  expect(interpolate(params, incident, { TOKEN: 's3cret' })).toEqual({
    text: `payments-api → r2 (registry.example.com/payments-api:1.4.2) inc-interp-1`,
    headers: { a: 's3cret' },
    n: 3,
  });
  expect(() => interpolate({ t: '{{ nope }}' }, incident, {})).toThrow(/unknown placeholder \{\{ nope \}\}/);
  expect(() => interpolate({ t: '{{ env.MISSING }}' }, incident, {})).toThrow(
    /environment variable MISSING is not set/,
  );
  await world.repo.update(incident.id, (i) => ({ ...i, state: 'dismissed' }));
});

describe('k8s steps against the simulator', () => {
  test('rolloutUndo rolls back once; a re-run (target renumbered) converges as skipped, never flips back', async () => {
    const incident = await world.approvedIncident({ id: 'inc-undo-1' });
    world.kubeSim.clearRequests();
    // The new pods stay unready until the wait has reported progress: with 20 ms pod start-ups a
    // busy machine could otherwise finish the rollout before the watch opens (no progress to see).
    const target = 'registry.example.com/payments-api:1.4.2';
    world.kubeSim.markImage(target, 'unready');
    const first = await rolloutUndo.run(stepContext(world, incident, 'undo', {}));
    expect(first).toMatchObject({
      summary: 'deployment.apps/payments-api rolled back',
      output: { patched: true, targetRevision: 2 },
    });
    const lines: string[] = [];
    const progressed = () =>
      lines.some((l) =>
        /updated replicas are available|new replicas have been updated|pending termination/.test(l),
      );
    let settled = false;
    const waiting = waitRollout.run(stepContext(world, incident, 'wait', {}, { lines })).finally(() => {
      settled = true;
    });
    while (!progressed() && !settled) await new Promise((r) => setTimeout(r, 10));
    world.kubeSim.markImage(target, 'good');
    const waited = await waiting;
    expect(waited.summary).toBe('deployment "payments-api" successfully rolled out');
    expect(progressed()).toBe(true);
    // The target came back as revision 4; the same step again must not flip to revision 3.
    const again = await rolloutUndo.run(stepContext(world, incident, 'undo', {}));
    expect(again).toMatchObject({
      skipped: true,
      summary: expect.stringMatching(/skipped rollback \(current template already matches revision 4\)/),
    });
    expect(deploymentPatches(world.kubeSim.requests)).toHaveLength(1);
    expect(
      world.kubeSim.getDeploymentRaw('payments', 'payments-api')!.spec.template.spec.containers[0].image,
    ).toBe('registry.example.com/payments-api:1.4.2');
    await world.repo.update(incident.id, (i) => ({ ...i, state: 'dismissed' }));
  });
});

describe('checks', () => {
  test('prometheus.check passes when the value holds below the threshold, and says what it saw when not', async () => {
    const incident = await world.approvedIncident({ id: 'inc-prom-1' });
    const ok = await prometheusCheck.run(
      stepContext(world, incident, 'p', { query: ERROR_RATIO, below: 0.01, holdFor: 150, interval: 50 }),
    );
    expect(ok.summary).toMatch(/below 0.01: value 0.004/);
    const ac = new AbortController();
    setTimeout(() => ac.abort(new RollbotError('timeout', 'step timed out')), 300);
    await expect(
      prometheusCheck.run(
        stepContext(
          world,
          incident,
          'p',
          { query: ERROR_RATIO, below: 0.001, holdFor: 100, interval: 50 },
          { signal: ac.signal },
        ),
      ),
    ).rejects.toMatchObject({
      code: 'timeout',
      message: expect.stringMatching(/did not stay below 0.001 .*last value 0.004/),
    });
    await world.repo.update(incident.id, (i) => ({ ...i, state: 'dismissed' }));
  });

  test('http.check fails with the status it saw', async () => {
    const incident = await world.approvedIncident({ id: 'inc-http-1' });
    const url = `${world.endpoints.prometheusUrl}/services/payments/no-such-deployment/healthz`;
    const ac = new AbortController();
    setTimeout(() => ac.abort(new RollbotError('timeout', 'step timed out')), 250);
    await expect(
      httpCheck.run(
        stepContext(
          world,
          incident,
          'h',
          { url, method: 'GET', headers: {}, expectStatus: [200], holdFor: 0, interval: 50 },
          { signal: ac.signal },
        ),
      ),
    ).rejects.toMatchObject({
      code: 'timeout',
      message: expect.stringMatching(/did not hold 200 for 0 ms: last seen HTTP \d{3}/),
    });
    await world.repo.update(incident.id, (i) => ({ ...i, state: 'dismissed' }));
  });
});

describe('non-idempotent effects', () => {
  test('slack.notify posts once per incident and step, however often it runs', async () => {
    const incident = await world.approvedIncident({ id: 'inc-notify-1' });
    const before = world.slackSim.messages('C0PAYMENTS').length;
    const first = await slackNotify.run(stepContext(world, incident, 'announce', { text: 'hello once' }));
    const second = await slackNotify.run(stepContext(world, incident, 'announce', { text: 'hello once' }));
    expect(first.skipped).toBeUndefined();
    expect(second).toMatchObject({ skipped: true, summary: 'already posted to channel C0PAYMENTS' });
    expect(world.slackSim.messages('C0PAYMENTS').length - before).toBe(1);
    await world.repo.update(incident.id, (i) => ({ ...i, state: 'dismissed' }));
  });

  test('http.request sends the same Idempotency-Key on every attempt; 5xx is retryable, 4xx is not', async () => {
    const incident = await world.approvedIncident({ id: 'inc-req-1' });
    const seen: { key: string | undefined; body: string }[] = [];
    let status = 503;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ key: req.headers['idempotency-key'] as string | undefined, body });
        res.writeHead(status).end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/flags/new-tokenizer`;
    const params = { method: 'PATCH' as const, url, headers: {}, body: { enabled: false } };
    await expect(httpRequest.run(stepContext(world, incident, 'flag-off', params))).rejects.toMatchObject({
      code: 'upstream_failed',
    });
    status = 200;
    await expect(httpRequest.run(stepContext(world, incident, 'flag-off', params))).resolves.toMatchObject({
      output: { status: 200 },
    });
    status = 404;
    await expect(httpRequest.run(stepContext(world, incident, 'flag-off', params))).rejects.toMatchObject({
      code: 'bad_input',
    });
    expect(seen.map((s) => s.key)).toEqual(Array(3).fill('inc-req-1:flag-off'));
    expect(JSON.parse(seen[0]!.body)).toEqual({ enabled: false });
    await new Promise((r) => server.close(r));
    await world.repo.update(incident.id, (i) => ({ ...i, state: 'dismissed' }));
  });
});

test('github.issue opens one issue and github.comment comments once, however often they run', async () => {
  const incident = await world.approvedIncident({ id: 'inc-gh-1' });
  const issueParams = {
    repo: 'acme/payments-api',
    title: `Rollback ${incident.id}`,
    body: 'timeline…',
    labels: ['rollback'],
  };
  const opened = await githubIssue.run(stepContext(world, incident, 'postmortem', issueParams));
  const again = await githubIssue.run(stepContext(world, incident, 'postmortem', issueParams));
  expect(again).toMatchObject({ skipped: true, output: opened.output });
  expect(
    world.githubSim.issues('acme/payments-api').filter((i) => i.title === issueParams.title),
  ).toHaveLength(1);
  const number = (opened.output as { number: number }).number;
  const commentParams = { repo: 'acme/payments-api', issue: String(number), body: 'rolled back' };
  await githubComment.run(stepContext(world, incident, 'comment', commentParams));
  await githubComment.run(stepContext(world, incident, 'comment', commentParams));
  expect(world.githubSim.comments('acme/payments-api', number)).toHaveLength(1);
  await world.repo.update(incident.id, (i) => ({ ...i, state: 'dismissed' }));
});
