/**
 * Issue 17, done when: on the `gitops` scenario (Argo CD deploys payments-api from acme/deploy with
 * self-heal), an alert becomes a proposal saying "managed by Argo CD" and showing the revert pull
 * request; approval merges it; the controller syncs; the Deployment runs the good image; verified.
 * The plain `kubectl rollout undo` runbook on the same world is refused at plan time — and a manual
 * undo is indeed put back by self-heal. A config repo that moved after the proposal makes the approval
 * stale; a merge refused by branch protection fails the run with GitHub's reason, the cluster untouched.
 */
import { alertmanagerGroup, postAlert } from '../helpers/alerts.js';
import { startBot, type Bot } from '../helpers/bot.js';
import { CONFIG_REPO, KUSTOMIZATION, gitopsRunbooks, gitopsScenarioYaml } from '../helpers/gitops.js';
import { testRunbooks } from '../helpers/runbooks.js';
import { audited, buttonsOf, proposalMessages, textOf, waitAudited, waitTold } from '../helpers/slack-e2e.js';

const GOOD = 'registry.example.com/payments-api:1.4.2';
const BAD = 'registry.example.com/payments-api:1.5.0';

const image = (bot: Bot) =>
  (
    bot.world.kubeSim.getDeploymentRaw('payments', 'payments-api') as unknown as {
      spec: { template: { spec: { containers: { image: string }[] } } };
    }
  ).spec.template.spec.containers[0]!.image;

async function proposal(bot: Bot) {
  expect(
    (await postAlert(bot, 'alertmanager', alertmanagerGroup([{ service: 'payments-api' }]))).status,
  ).toBe(200);
  const incident = await bot.waitIncident('payments-api', (i) => Boolean(i.slack?.ts));
  const message = proposalMessages(bot, 'C0PAYMENTS').find((m) => m.ts === incident.slack!.ts)!;
  return { incident, message, text: textOf(message) };
}

const approve = (bot: Bot, ts: string) =>
  bot.world.slackSim.as('U0BOB').clickButton({ channel: 'C0PAYMENTS', ts, actionId: 'rollback_approve' });

let bot: Bot;
afterEach(async () => bot?.close());

test('alert → proposal with "managed by Argo CD" and the revert PR → approve → PR merged → synced → good image → verified', async () => {
  bot = await startBot({ scenarioYaml: await gitopsScenarioYaml(), runbooksDir: await gitopsRunbooks() });
  const { incident, message, text } = await proposal(bot);
  const g = incident.plan.gitops!;
  expect(incident.plan.managedBy).toMatchObject({ kind: 'argocd', name: 'payments', undo: 'not-used' });
  expect(g).toMatchObject({
    repo: CONFIG_REPO,
    path: KUSTOMIZATION,
    fromTag: '1.5.0',
    toTag: '1.4.2',
    fileKind: 'kustomization',
  });
  expect(g.culprit).toMatchObject({ message: 'payments-api: release 1.5.0', author: 'carol' });
  expect(text).toMatch(/Managed by Argo CD \(app payments\)/);
  expect(text).toContain(g.pr.url);
  expect(text).toMatch(/pull request #\d+/);
  expect(text).toMatch(/rollbot merges it on approval/);
  expect(buttonsOf(message)).toEqual(['rollback_approve', 'rollback_dismiss']);

  // The PR is real in the GitHub double: one commit on a branch, setting newTag back.
  const [pr] = bot.world.githubDouble.pulls(CONFIG_REPO);
  expect(pr).toMatchObject({ number: g.pr.number, state: 'open', base: 'main', head: g.branch });
  expect(pr!.body).toContain('payments-api: release 1.5.0');
  expect(bot.world.githubDouble.file(CONFIG_REPO, g.branch, KUSTOMIZATION)).toContain('newTag: "1.4.2"');
  expect(bot.world.githubDouble.file(CONFIG_REPO, 'main', KUSTOMIZATION)).toContain('newTag: "1.5.0"');

  await approve(bot, incident.slack!.ts);
  const done = await bot.waitIncident(
    'payments-api',
    (i) => i.state === 'succeeded' || i.state === 'failed',
    60_000,
  );
  expect(done.execution?.failure).toBeUndefined();
  expect(done.state).toBe('succeeded');
  const merged = bot.world.githubDouble.pulls(CONFIG_REPO)[0]!;
  expect(merged).toMatchObject({ merged: true, mergedBy: 'rollbot[bot]' });
  expect(bot.world.githubDouble.file(CONFIG_REPO, 'main', KUSTOMIZATION)).toContain('newTag: "1.4.2"');
  expect(bot.world.gitops!.events()).toContainEqual(
    expect.objectContaining({ kind: 'sync', image: GOOD, from: BAD }),
  );
  expect(image(bot)).toBe(GOOD);
  // No kubectl-style undo reached the cluster: only the controller's apply changed it.
  expect(
    bot.world.kubeSim.requests.filter(
      (r) => r.method === 'PATCH' && r.path.includes('/deployments/payments-api'),
    ),
  ).toHaveLength(0);

  const mergeStep = done.execution!.steps.find((s) => s.type === 'gitops.merge')!;
  expect(mergeStep.output).toMatchObject({ prUrl: g.pr.url, mergeSha: merged.mergeCommitSha });
  const stepRecords = await audited(bot, 'step.succeeded', { incidentId: done.id });
  expect(stepRecords.map((r) => String(r.details.summary)).join('\n')).toContain(g.pr.url);
  expect(stepRecords.map((r) => String(r.details.summary)).join('\n')).toContain(merged.mergeCommitSha!);
  await bot.app.idle();
  const postmortem = await bot.app.postmortem(done.id);
  expect(postmortem).toContain(g.pr.url);
  expect(postmortem).toContain(merged.mergeCommitSha!);

  // And it sticks: Git now says 1.4.2, so self-heal keeps it there.
  expect(bot.world.gitops!.status('payments')).toMatchObject({ sync: 'Synced', live: GOOD });
});

test('the plain undo runbook on the same world is refused at plan time with the reason — and an undo by hand is put back by self-heal', async () => {
  bot = await startBot({ scenarioYaml: await gitopsScenarioYaml(), runbooksDir: await testRunbooks() });
  const { incident, message, text } = await proposal(bot);
  expect(incident.plan.managedBy).toMatchObject({ kind: 'argocd', undo: 'refused' });
  expect(text).toMatch(/Refused: `kubectl rollout undo` would not stick/);
  expect(text).toMatch(/Argo CD \(app payments\) manages payments\/payments-api/);
  expect(buttonsOf(message)).toEqual(['rollback_dismiss']);

  // Why: undo by hand, and Argo CD's self-heal syncs 1.5.0 back a few seconds later.
  await bot.world.kube.rolloutUndo({ namespace: 'payments', name: 'payments-api' });
  expect(image(bot)).toBe(GOOD);
  const healed = await bot.world.gitops!.waitFor((e) => e.kind === 'self-heal', 30_000);
  expect(healed).toMatchObject({ image: BAD, from: GOOD });
  expect(image(bot)).toBe(BAD);
});

test('the config repo moved after the proposal: approval is refused as stale, and a fresh proposal with a fresh PR is posted', async () => {
  bot = await startBot({ scenarioYaml: await gitopsScenarioYaml(), runbooksDir: await gitopsRunbooks() });
  const { incident } = await proposal(bot);
  bot.world.githubDouble.push(CONFIG_REPO, {
    message: 'docs: on-call notes',
    author: 'erin',
    files: { 'NOTES.md': 'hi\n' },
  });
  await approve(bot, incident.slack!.ts);
  await waitTold(
    bot,
    'U0BOB',
    /stale: acme\/deploy@main moved since the proposal \(now [0-9a-f]{7} "docs: on-call notes" by erin\)/,
  );
  const [refusal] = await waitAudited(bot, 'approval.refused', 1, { incidentId: incident.id });
  expect(refusal).toMatchObject({ details: { reason: 'stale_plan' } });
  const fresh = await bot.waitIncident('payments-api', (i) => i.id !== incident.id && Boolean(i.slack?.ts));
  expect(fresh.plan.gitops!.baseSha).toBe(bot.world.githubDouble.head(CONFIG_REPO));
  expect(fresh.plan.gitops!.pr.number).not.toBe(incident.plan.gitops!.pr.number);
  expect(image(bot)).toBe(BAD);
  expect(bot.world.githubDouble.pulls(CONFIG_REPO).every((p) => !p.merged)).toBe(true);
});

test('branch protection refuses the merge: the run fails with GitHub’s reason and what to do; Git and the cluster are untouched', async () => {
  bot = await startBot({
    scenarioYaml: await gitopsScenarioYaml((s) => {
      s.github.repos.find((r: any) => r.name === 'deploy').protection = {
        main: { requiredApprovingReviewCount: 1 },
      };
    }),
    runbooksDir: await gitopsRunbooks(),
  });
  const { incident, text } = await proposal(bot);
  expect(text).toMatch(/main is protected: it requires 1 approving review first/);
  await approve(bot, incident.slack!.ts);
  const done = await bot.waitIncident(
    'payments-api',
    (i) => i.state === 'succeeded' || i.state === 'failed',
    30_000,
  );
  expect(done.state).toBe('failed');
  expect(done.execution?.failure?.message).toMatch(
    /branch protection on acme\/deploy@main refused the merge of .*: At least 1 approving review is required by reviewers with write access\./,
  );
  expect(done.execution?.failure?.hint).toMatch(/approves \(or merges\) the pull request on GitHub/);
  expect(bot.world.githubDouble.pulls(CONFIG_REPO)[0]).toMatchObject({ merged: false, state: 'open' });
  expect(image(bot)).toBe(BAD);
});

test('merge: human — rollbot waits, showing who must merge; a person approves and merges on GitHub; synced and verified', async () => {
  bot = await startBot({
    scenarioYaml: await gitopsScenarioYaml((s) => {
      s.github.repos.find((r: any) => r.name === 'deploy').protection = {
        main: { requiredApprovingReviewCount: 1 },
      };
    }),
    runbooksDir: await gitopsRunbooks((doc) => void (doc.gitops.merge = 'human')),
  });
  const { incident, text } = await proposal(bot);
  expect(text).toMatch(
    /a person with write access to acme\/deploy merges it \(main is protected: it requires 1 approving review first\)/,
  );
  await approve(bot, incident.slack!.ts);
  await bot.waitIncident('payments-api', (i) =>
    Boolean(i.execution?.steps.find((s) => s.type === 'gitops.merge' && s.status === 'running')),
  );
  const n = incident.plan.gitops!.pr.number;
  bot.world.githubDouble.review(CONFIG_REPO, n, 'bob', 'APPROVE');
  bot.world.githubDouble.merge(CONFIG_REPO, n, 'erin');
  const done = await bot.waitIncident(
    'payments-api',
    (i) => i.state === 'succeeded' || i.state === 'failed',
    60_000,
  );
  expect(done.state).toBe('succeeded');
  expect(done.execution!.steps.find((s) => s.type === 'gitops.merge')!.summary).toMatch(/by erin/);
  expect(image(bot)).toBe(GOOD);
});
