/**
 * Issue 17, detection at plan time: a payments-api Deployment that Argo CD, Flux or Helm manages
 * (the marks they leave, seeded in the simulated cluster) is said so on the proposal. A runbook
 * that would `kubectl rollout undo` a reconciling controller's Deployment is refused before anything
 * changes, with the reason and the fix; `allowDrift: true` lets it run; Helm gets a drift warning.
 */
import { alertmanagerGroup, postAlert } from '../helpers/alerts.js';
import { startBot, type Bot } from '../helpers/bot.js';
import { testRunbooks } from '../helpers/runbooks.js';
import { deployment, scenarioYaml } from '../helpers/scenario.js';
import { audited, buttonsOf, proposalMessages, textOf, waitTold } from '../helpers/slack-e2e.js';

const ARGO = {
  annotations: { 'argocd.argoproj.io/tracking-id': 'payments:apps/Deployment:payments/payments-api' },
};
const FLUX = {
  labels: {
    'kustomize.toolkit.fluxcd.io/name': 'apps',
    'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
  },
};
const HELM = {
  labels: { 'app.kubernetes.io/managed-by': 'Helm', 'app.kubernetes.io/instance': 'payments' },
  annotations: { 'meta.helm.sh/release-name': 'payments', 'meta.helm.sh/release-namespace': 'payments' },
};

async function botManagedBy(
  metadata: Record<string, unknown>,
  runbook: (doc: Record<string, any>) => void = () => undefined,
): Promise<Bot> {
  return startBot({
    runbooksDir: await testRunbooks({ 'payments-api': runbook }),
    scenarioYaml: await scenarioYaml((s) => void (deployment(s, 'payments-api').metadata = metadata)),
  });
}

async function alertProposal(bot: Bot) {
  expect(
    (await postAlert(bot, 'alertmanager', alertmanagerGroup([{ service: 'payments-api' }]))).status,
  ).toBe(200);
  const incident = await bot.waitIncident('payments-api', (i) => Boolean(i.slack?.ts));
  const [message] = proposalMessages(bot, 'C0PAYMENTS');
  return { incident, message: message!, text: textOf(message!) };
}

let bot: Bot;
afterEach(async () => bot?.close());

test('Argo CD with the undo runbook: the alert’s proposal says "managed by Argo CD", refuses with reason and fix, offers only Dismiss', async () => {
  bot = await botManagedBy(ARGO);
  const { incident, message, text } = await alertProposal(bot);
  expect(incident.plan.managedBy).toMatchObject({ kind: 'argocd', name: 'payments', undo: 'refused' });
  expect(incident.blocked).toMatchObject({ reason: 'gitops_managed' });
  expect(text).toMatch(/Managed by Argo CD \(app payments\)/);
  expect(text).toMatch(/Refused: `kubectl rollout undo` would not stick/);
  expect(text).toMatch(/self-heal/);
  expect(text).toMatch(/allowDrift: true/);
  expect(buttonsOf(message)).toEqual(['rollback_dismiss']);
  const [refusal] = await audited(bot, 'request.refused', { service: 'payments-api' });
  expect(refusal).toMatchObject({ details: { reason: 'gitops_managed', origin: 'alert' } });

  // Nothing touched the cluster.
  expect(bot.world.kubeSim.requests.filter((r) => r.method === 'PATCH')).toEqual([]);
});

test('Flux: `/rollback payments-api` is refused privately with the reason and `flux suspend`, nothing is proposed', async () => {
  bot = await botManagedBy(FLUX);
  await bot.world.slackSim.as('U0ALICE').command('/rollback', 'payments-api', { channel: 'C0PAYMENTS' });
  const reply = await waitTold(bot, 'U0ALICE', /Rollback refused/);
  expect(reply).toMatch(/Flux \(Kustomization flux-system\/apps\) manages payments\/payments-api/);
  expect(reply).toMatch(/flux suspend kustomization apps -n flux-system/);
  expect(await bot.app.repo.openFor('payments-api')).toBeNull();
  expect(proposalMessages(bot, 'C0PAYMENTS')).toEqual([]);
});

test('allowDrift: true in the runbook: the Argo CD-managed Deployment is proposed with Approve and rolls back', async () => {
  bot = await botManagedBy(ARGO, (doc) => void (doc.allowDrift = true));
  const { incident, message, text } = await alertProposal(bot);
  expect(incident.plan.managedBy).toMatchObject({ kind: 'argocd', undo: 'drift-allowed' });
  expect(incident.blocked).toBeUndefined();
  expect(text).toMatch(/Managed by Argo CD \(app payments\)/);
  expect(text).toMatch(/allowDrift: true, so the undo runs/);
  expect(buttonsOf(message)).toEqual(['rollback_approve', 'rollback_dismiss']);
  await bot.world.slackSim
    .as('U0BOB')
    .clickButton({ channel: 'C0PAYMENTS', ts: incident.slack!.ts, actionId: 'rollback_approve' });
  const done = await bot.waitIncident(
    'payments-api',
    (i) => i.state === 'succeeded' || i.state === 'failed',
    30_000,
  );
  expect(done.state).toBe('succeeded');
});

test('Helm: the proposal warns of release drift and still offers Approve', async () => {
  bot = await botManagedBy(HELM);
  const { incident, message, text } = await alertProposal(bot);
  expect(incident.plan.managedBy).toMatchObject({ kind: 'helm', name: 'payments', undo: 'drift' });
  expect(text).toMatch(/Managed by Helm \(release payments\/payments\)/);
  expect(text).toMatch(/Drift:.*helm history payments -n payments/s);
  expect(buttonsOf(message)).toEqual(['rollback_approve', 'rollback_dismiss']);
});
