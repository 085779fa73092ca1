/**
 * Issue 17: the gitops.merge step against the GitHub double with a plan made by the planner — what
 * it says when main changed the same file after the proposal (a conflict), when the revert branch
 * moved, and when the pull request was closed unmerged. Nothing is merged in any of them.
 */
import { RollbotError } from '../../src/core/errors.js';
import { loadRunbooks } from '../../src/runbooks/load.js';
import { gitopsMerge } from '../../src/steps/gitops-merge.js';
import { loadScenario, scenarioPath } from '@rollbot/sandbox/scenario';
import { CONFIG_REPO, KUSTOMIZATION } from '../helpers/gitops.js';
import { RUNBOOKS_DIR, startWorld, type World } from '../helpers/world.js';
import { stepContext } from './context.js';

let world: World;
beforeEach(async () => {
  const gitops = await loadScenario(scenarioPath('gitops'));
  world = await startWorld({
    scenario: (s) => {
      Object.assign(s, gitops);
      s.cluster.stepMs = 20;
    },
  });
});
afterEach(async () => world.close());

async function gitopsIncident() {
  const { runbooks, errors } = await loadRunbooks(`${RUNBOOKS_DIR}gitops/`);
  expect(errors).toEqual([]);
  const incident = await world.approvedIncident({ runbook: runbooks[0]!.runbook });
  expect(incident.plan.gitops).toMatchObject({ repo: CONFIG_REPO, toTag: '1.4.2' });
  return incident;
}

async function refusal(p: Promise<unknown>): Promise<RollbotError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RollbotError);
  return err as RollbotError;
}

test('main changed the same file after the proposal: a merge conflict, said so, with what to do', async () => {
  const incident = await gitopsIncident();
  world.githubSim.push(CONFIG_REPO, {
    message: 'payments-api: release 1.5.1',
    author: 'carol',
    files: { [KUSTOMIZATION]: 'images:\n  - name: registry.example.com/payments-api\n    newTag: "1.5.1"\n' },
  });
  const err = await refusal(gitopsMerge.run(stepContext(world, incident, 'merge', {})));
  expect(err.code).toBe('conflict');
  expect(err.message).toMatch(
    /pull\/\d+ has a merge conflict: acme\/deploy@main changed apps\/payments\/kustomization\.yaml since the proposal/,
  );
  expect(err.hint).toMatch(/propose again/);
  expect(world.githubSim.pulls(CONFIG_REPO)[0]).toMatchObject({ merged: false, state: 'open' });
});

test('the revert branch moved since the proposal: refused as stale, naming both commits', async () => {
  const incident = await gitopsIncident();
  const g = incident.plan.gitops!;
  const moved = world.githubSim.push(CONFIG_REPO, {
    branch: g.branch,
    message: 'sneaky',
    author: 'mallory',
    files: { 'X.md': 'x\n' },
  });
  const err = await refusal(gitopsMerge.run(stepContext(world, incident, 'merge', {})));
  expect(err.code).toBe('stale_plan');
  expect(err.message).toContain(`(${g.commitSha.slice(0, 7)} → ${moved.slice(0, 7)})`);
  expect(world.githubSim.pulls(CONFIG_REPO)[0]!.merged).toBe(false);
});

test('a pull request closed without merging fails the step; a merged one (a resumed run) is success', async () => {
  const incident = await gitopsIncident();
  const g = incident.plan.gitops!;
  const [owner, repo] = CONFIG_REPO.split('/') as [string, string];
  await world.github.rest.pulls.update({ owner, repo, pull_number: g.pr.number, state: 'closed' });
  const err = await refusal(gitopsMerge.run(stepContext(world, incident, 'merge', {})));
  expect(err.message).toMatch(/was closed without merging/);

  await world.github.rest.pulls.update({ owner, repo, pull_number: g.pr.number, state: 'open' });
  const first = await gitopsMerge.run(stepContext(world, incident, 'merge', {}));
  const again = await gitopsMerge.run(stepContext(world, incident, 'merge', {}));
  expect(again.output).toEqual(first.output);
  expect(first.summary).toContain(`/commit/${world.githubSim.pulls(CONFIG_REPO)[0]!.mergeCommitSha}`);
});
