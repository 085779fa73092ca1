/**
 * Issue 17: planning through Git against the `gitops` world (the planner over the Kubernetes
 * simulator and the GitHub double): the culprit and target, suspects passed over as the kubectl
 * path passes them, an explicit tag, a second plan reusing the branch and pull request, and a
 * config repo that already moved on.
 */
import type { Suspect } from '../../src/incidents/suspects.js';
import { loadRunbooks } from '../../src/runbooks/load.js';
import type { Runbook } from '../../src/runbooks/schema.js';
import { loadScenario, scenarioPath } from '@rollbot/sandbox/scenario';
import { CONFIG_REPO, KUSTOMIZATION } from '../helpers/gitops.js';
import { RUNBOOKS_DIR, startWorld, type World } from '../helpers/world.js';

const target = { namespace: 'payments', deployment: 'payments-api' };
let world: World;
let rb: Runbook;
beforeEach(async () => {
  const gitops = await loadScenario(scenarioPath('gitops'));
  world = await startWorld({
    scenario: (s) => {
      Object.assign(s, gitops);
      s.cluster.stepMs = 20;
    },
  });
  const { runbooks } = await loadRunbooks(`${RUNBOOKS_DIR}gitops/`);
  rb = runbooks[0]!.runbook;
});
afterEach(async () => world.close());

async function suspectAt(revision: number): Promise<Suspect> {
  const p = await world.kube.planUndo('payments', 'payments-api', {});
  const h = p.history.find((x) => x.revision === revision)!;
  return {
    templateHash: h.templateHash,
    revision,
    images: h.images,
    alert: 'PaymentsApiHighErrorRatio',
    at: Date.now() - 86_400_000,
  };
}

test('the culprit is the commit that moved the image to the running tag; the target is the tag before it', async () => {
  const plan = await world.planner.plan(rb, target, {});
  expect(plan.gitops).toMatchObject({
    fromTag: '1.5.0',
    toTag: '1.4.2',
    culprit: { message: 'payments-api: release 1.5.0' },
  });
  expect(plan.target).toMatchObject({ revision: 4, images: ['registry.example.com/payments-api:1.4.2'] });
  // Planning again from the same head reuses the branch and the pull request.
  const again = await world.planner.plan(rb, target, {});
  expect(again.gitops).toMatchObject({
    branch: plan.gitops!.branch,
    commitSha: plan.gitops!.commitSha,
    pr: plan.gitops!.pr,
  });
  expect(world.githubSim.pulls(CONFIG_REPO)).toHaveLength(1);
});

test('a suspect tag (live when an alert fired) is passed over: the revert goes back to 1.4.1, and says so', async () => {
  const plan = await world.planner.plan(rb, target, {}, [await suspectAt(3), await suspectAt(2)]);
  expect(plan.gitops).toMatchObject({ toTag: '1.4.1', culprit: { message: 'payments-api: release 1.4.2' } });
  expect(plan.skippedSuspects?.map((s) => s.revision)).toEqual([2]);
  expect(world.githubSim.file(CONFIG_REPO, plan.gitops!.branch, KUSTOMIZATION)).toContain('newTag: "1.4.1"');

  // Named explicitly, a suspect tag is the target, marked.
  const named = await world.planner.plan(rb, target, { toImageTag: '1.4.2' }, [await suspectAt(2)]);
  expect(named.gitops?.toTag).toBe('1.4.2');
  expect(named.targetSuspect).toMatchObject({ alert: 'PaymentsApiHighErrorRatio' });
});

test('every earlier tag suspect: no target, and the reason names them', async () => {
  const plan = await world.planner.plan(rb, target, {}, [await suspectAt(1), await suspectAt(2)]);
  expect(plan.target).toBeNull();
  expect(plan.targetMissingReason).toMatch(
    /every earlier tag of registry\.example\.com\/payments-api .* was live when an alert fired \(1\.4\.2, 1\.4\.1\)/,
  );
});

test('Git already moved on (main sets 1.5.1, the cluster runs 1.5.0): nothing to revert, said why', async () => {
  world.githubSim.push(CONFIG_REPO, {
    message: 'payments-api: release 1.5.1',
    author: 'carol',
    files: { [KUSTOMIZATION]: 'images:\n  - name: registry.example.com/payments-api\n    newTag: "1.5.1"\n' },
  });
  const plan = await world.planner.plan(rb, target, {});
  expect(plan.target).toBeNull();
  expect(plan.targetMissingReason).toMatch(
    /acme\/deploy@main already sets registry\.example\.com\/payments-api to 1\.5\.1 .* but the Deployment runs 1\.5\.0/,
  );
  expect(world.githubSim.pulls(CONFIG_REPO)).toHaveLength(0);
});
