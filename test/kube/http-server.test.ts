/**
 * Bug 6 of issue #14: a kubeconfig whose server is `http://…` with no TLS settings — what users
 * write for `kubectl proxy` — works in kubectl, and must work in rollbot too. client-node 1.4 by
 * itself refuses it ("HTTP protocol is not allowed when skipTLSVerify is not set or false").
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeGateway } from '../../src/kube/index.js';
import { hasKubectl, NAME, NS, startWorld, type World } from './harness.js';

let w: World | undefined;
afterEach(async () => w?.close());

test('client-node alone refuses the plain-http kubeconfig (what the fix works around)', async () => {
  w = await startWorld();
  const kc = new KubeConfig();
  kc.loadFromString(w.sim.kubeconfigYaml({ skipTlsVerify: false }));
  await expect(kc.applyToFetchOptions({})).rejects.toThrow(/HTTP protocol is not allowed/);
});

test('rollbot reads, plans, rolls back and waits through a server: http:// kubeconfig without TLS settings', async () => {
  w = await startWorld();
  const yaml = w.sim.kubeconfigYaml({ skipTlsVerify: false });
  expect(yaml).not.toContain('insecure-skip-tls-verify');
  const gw = KubeGateway.fromOptions({ kubeconfigYaml: yaml });
  expect((await gw.history(NS, NAME)).map((e) => e.revision)).toEqual([1, 2, 3]);
  expect((await gw.rolloutUndo({ namespace: NS, name: NAME })).result).toBe('rolled back');
  const res = await gw.waitRollout(NS, NAME, { timeoutMs: 30_000 });
  expect(res.message).toBe('deployment "payments-api" successfully rolled out');
});

(hasKubectl ? test : test.skip)('kubectl accepts the same kubeconfig', async () => {
  w = await startWorld();
  const dir = await mkdtemp(join(tmpdir(), 'rollbot-http-kubeconfig-'));
  try {
    const path = join(dir, 'config');
    await writeFile(path, w.sim.kubeconfigYaml({ skipTlsVerify: false }));
    const out = await new Promise<{ code: number; stdout: string }>((resolve) =>
      execFile(
        'kubectl',
        [
          '--kubeconfig',
          path,
          '--cache-dir',
          join(dir, 'cache'),
          '-n',
          NS,
          'rollout',
          'history',
          `deployment/${NAME}`,
        ],
        (err, stdout) => resolve({ code: err ? 1 : 0, stdout }),
      ),
    );
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('deploy payments-api 1.5.0');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
