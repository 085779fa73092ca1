/**
 * The GitOps controller simulator: a commit on the synced branch is applied; drift is reverted after
 * the self-heal delay when self-heal is on, and left (OutOfSync) when it is off.
 */
import { readFile } from 'node:fs/promises';
import { parse, stringify } from 'yaml';
import { startGitHubDouble, type GitHubDouble } from '../../src/github/index.js';
import { startGitOpsController, type GitOpsController } from '../../src/gitops/index.js';
import { startKubeSimulator, type KubeSimulator } from '../../src/kube/index.js';
import { parseScenario, scenarioPath } from '../../src/scenario/index.js';

const IMG = 'registry.example.com/payments-api';
const PATH = 'apps/payments/kustomization.yaml';
let gh: GitHubDouble;
let kube: KubeSimulator;
let ctl: GitOpsController;

async function start(selfHeal: boolean) {
  const doc = parse(await readFile(scenarioPath('gitops'), 'utf8')) as Record<string, any>;
  doc.gitops.apps[0].selfHeal = selfHeal;
  const scenario = parseScenario(stringify(doc));
  gh = await startGitHubDouble({ scenario });
  kube = await startKubeSimulator({ scenario, stepMs: 10 });
  ctl = startGitOpsController({
    apps: scenario.gitops.apps,
    github: gh,
    kube,
    pollMs: 50,
    selfHealDelayMs: 300,
  });
}
const live = () =>
  (kube.getDeploymentRaw('payments', 'payments-api') as any).spec.template.spec.containers[0].image as string;

afterEach(async () => {
  ctl?.close();
  await gh?.close();
  await kube?.close();
});

test('a new commit on main is synced; a manual change is reverted by self-heal after the delay', async () => {
  await start(true);
  expect(ctl.status('payments')).toMatchObject({ sync: 'Synced', live: `${IMG}:1.5.0` });
  const sha = gh.push('acme/deploy', {
    message: 'payments 1.5.1',
    author: 'carol',
    files: { [PATH]: `images:\n  - name: ${IMG}\n    newTag: "1.5.1"\n` },
  });
  const sync = await ctl.waitFor((e) => e.kind === 'sync', 10_000);
  expect(sync).toMatchObject({ revision: sha, image: `${IMG}:1.5.1`, from: `${IMG}:1.5.0` });
  expect(live()).toBe(`${IMG}:1.5.1`);

  kube.setImage('payments', 'payments-api', `${IMG}:1.4.2`, 'kubectl set image');
  const heal = await ctl.waitFor((e) => e.kind === 'self-heal', 10_000);
  expect(heal).toMatchObject({ image: `${IMG}:1.5.1`, from: `${IMG}:1.4.2` });
  expect(live()).toBe(`${IMG}:1.5.1`);
});

test('self-heal off: drift stays, and the app says OutOfSync', async () => {
  await start(false);
  kube.setImage('payments', 'payments-api', `${IMG}:1.4.2`, 'kubectl set image');
  await new Promise((r) => setTimeout(r, 1000));
  expect(ctl.events()).toEqual([]);
  expect(ctl.status('payments')).toMatchObject({
    sync: 'OutOfSync',
    live: `${IMG}:1.4.2`,
    desired: `${IMG}:1.5.0`,
  });
});
