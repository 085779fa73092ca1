/**
 * The simulator at the HTTP level: discovery, Status bodies for protocol errors, auth, watch
 * resume, the request log and fault injection.
 */
import type { KubeSimulator } from '../../src/kube/index.js';
import { GOOD, startSim } from './fixtures.js';

describe('simulator HTTP surface', () => {
  let sim: KubeSimulator;
  const deployPath = '/apis/apps/v1/namespaces/payments/deployments/payments-api';
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${sim.url}${path}`, {
      ...init,
      headers: { Authorization: `Bearer ${sim.token}`, ...(init.headers as Record<string, string>) },
    });

  beforeEach(async () => {
    sim = await startSim();
  });
  afterEach(() => sim.close());

  test('discovery documents', async () => {
    expect(await (await call('/version')).json()).toMatchObject({
      major: '1',
      minor: '32',
      gitVersion: 'v1.32.4',
    });
    expect(await (await call('/apis')).json()).toMatchObject({
      kind: 'APIGroupList',
      groups: [{ name: 'apps', preferredVersion: { groupVersion: 'apps/v1' } }],
    });
    const apps = (await (await call('/apis/apps/v1')).json()) as {
      resources: { name: string; shortNames?: string[] }[];
    };
    expect(apps.resources.find((r) => r.name === 'deployments')).toMatchObject({
      shortNames: ['deploy'],
      kind: 'Deployment',
      namespaced: true,
    });
    expect(apps.resources.map((r) => r.name)).toEqual(
      expect.arrayContaining(['deployments/status', 'deployments/scale', 'replicasets']),
    );
  });

  test('protocol errors are Status bodies: 415, 405, 401, 404 path', async () => {
    const patch = await call(deployPath, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(patch.status).toBe(415);
    expect(await patch.json()).toMatchObject({
      kind: 'Status',
      reason: 'UnsupportedMediaType',
      message: expect.stringContaining(
        'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json',
      ),
      code: 415,
    });
    const post = await call(deployPath, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(post.status).toBe(405);
    expect(await post.json()).toMatchObject({ reason: 'MethodNotAllowed', code: 405 });
    const unauth = await fetch(`${sim.url}${deployPath}`, { headers: { Authorization: 'Bearer wrong' } });
    expect(unauth.status).toBe(401);
    expect(await unauth.json()).toMatchObject({ reason: 'Unauthorized', message: 'Unauthorized' });
    expect((await call('/apis/apps/v1/namespaces/payments/statefulsets')).status).toBe(404);
  });

  test('validation failures are 422 Invalid with causes', async () => {
    const res = await call(deployPath, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json-patch+json' },
      body: JSON.stringify([{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: '' }]),
    });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({
      reason: 'Invalid',
      message:
        'Deployment.apps "payments-api" is invalid: spec.template.spec.containers[0].image: Required value',
      details: {
        name: 'payments-api',
        group: 'apps',
        kind: 'Deployment',
        causes: [{ reason: 'FieldValueRequired', field: 'spec.template.spec.containers[0].image' }],
      },
    });
  });

  test('a watch from a resourceVersion replays what happened since', async () => {
    const list = (await (await call('/apis/apps/v1/namespaces/payments/deployments')).json()) as {
      metadata: { resourceVersion: string };
    };
    sim.setImage('payments', 'payments-api', GOOD);
    await sim.waitForIdle();
    const res = await call(
      `/apis/apps/v1/namespaces/payments/deployments?watch=true&resourceVersion=${list.metadata.resourceVersion}&timeoutSeconds=1`,
    );
    expect(res.headers.get('content-type')).toBe('application/json');
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as { type: string; object: { kind: string; status: { updatedReplicas?: number } } },
      );
    expect(lines.length).toBeGreaterThan(3);
    expect(lines.every((l) => l.type === 'MODIFIED' && l.object.kind === 'Deployment')).toBe(true);
  });

  test('the request log captures method, path, query, content type and raw body', async () => {
    sim.clearRequests();
    await call(`${deployPath}?dryRun=All`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body: '{"metadata":{"labels":{"a":"b"}}}',
    });
    expect(sim.requests).toEqual([
      expect.objectContaining({
        method: 'PATCH',
        path: deployPath,
        query: { dryRun: 'All' },
        contentType: 'application/merge-patch+json',
        body: '{"metadata":{"labels":{"a":"b"}}}',
        status: 200,
      }),
    ]);
  });

  test('faults: injected status, delay, dropped connection, early end of a watch', async () => {
    sim.faults.add({ method: 'GET', pathPattern: '/deployments/payments-api', status: 503 });
    const failed = await call(deployPath);
    expect(failed.status).toBe(503);
    expect(await failed.json()).toMatchObject({ kind: 'Status', reason: 'ServiceUnavailable', code: 503 });
    expect((await call(deployPath)).status).toBe(200);

    sim.faults.add({ pathPattern: /payments-api$/, delayMs: 150 });
    const t0 = Date.now();
    expect((await call(deployPath)).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);

    sim.faults.add({ pathPattern: '/deployments/payments-api', dropConnection: true });
    await expect(call(deployPath)).rejects.toThrow();

    sim.faults.add({ endWatchAfterMs: 100 });
    const watch = await call('/apis/apps/v1/namespaces/payments/deployments?watch=1');
    const text = await watch.text();
    expect(text.trim().split('\n')[0]).toContain('"type":"ADDED"');
    expect(sim.faults.list()).toEqual([]);
  });
});
