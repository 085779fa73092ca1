/**
 * A runbook's `silence:` against a real Alertmanager (Debian's 0.25): created on approval through
 * the v2 API with matchers from the incident's alert labels AND the runbook's, its comment naming
 * the incident; it mutes exactly the incident's alerts (not another service's, not an alert the
 * runbook's matchers leave out); it is expired once verification passed, and kept to its end
 * time when the rollback failed. Each step is audited and shown on the message.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import type { Incident } from '../../src/incidents/incident.js';
import { parseRunbook } from '../../src/runbooks/load.js';
import { silenceMatchers } from '../../src/steps/alertmanager-silence.js';
import { type Bot, REPO_RUNBOOKS, startBot } from '../helpers/bot.js';
import { describeWithBinaries } from '../helpers/infra/binaries.js';
import { type RunningAlertmanager, startAlertmanager } from '../helpers/infra/alertmanager.js';
import { tempDir, until } from '../helpers/infra/daemon.js';
import { incidentUntil, proposalMessages, textOf } from '../helpers/slack-e2e.js';

jest.setTimeout(120_000);

const SILENCE = `
silence:
  fromAlertLabels: [service, namespace]
  matchers: ['alertname=~"KubePodNotReady|HighErrorRatio"']
  duration: 30m
`;

/** Alerts as Prometheus would post them: the incident's, one it expects, and two it must not mute. */
const ALERTS = {
  incident: {
    alertname: 'HighErrorRatio',
    service: 'payments-api',
    namespace: 'payments',
    severity: 'critical',
  },
  expected: { alertname: 'KubePodNotReady', service: 'payments-api', namespace: 'payments' },
  otherService: { alertname: 'KubePodNotReady', service: 'checkout-web', namespace: 'checkout' },
  notListed: { alertname: 'DiskFull', service: 'payments-api', namespace: 'payments' },
};

async function runbooksWith(dir: string, name: string, edit: (text: string) => string): Promise<string> {
  const out = join(dir, name);
  await mkdir(out, { recursive: true });
  const shipped = await readFile(join(REPO_RUNBOOKS, 'payments-api.yaml'), 'utf8');
  await writeFile(join(out, 'payments-api.yaml'), edit(shipped) + SILENCE);
  return out;
}

async function approveAlert(bot: Bot): Promise<Incident> {
  expect((await bot.fireAlert()).status).toBe(200);
  const proposal = await until('the proposal', () =>
    proposalMessages(bot, 'C0PAYMENTS').find((m) =>
      JSON.stringify(m.blocks ?? []).includes('rollback_approve'),
    ),
  );
  const click = await bot.world.slackSim
    .as('U0BOB')
    .clickButton({ channel: 'C0PAYMENTS', ts: proposal.ts, actionId: 'rollback_approve' });
  expect(click.status).toBe(200);
  return bot.waitIncident(
    'payments-api',
    (i) => i.state === 'running' || i.state === 'succeeded' || i.state === 'failed',
  );
}

const mineOf = async (am: RunningAlertmanager, incidentId: string) =>
  (await am.silences()).filter((s) => s.comment.startsWith(`rollbot incident ${incidentId}`));

describeWithBinaries(['prometheus-alertmanager'], 'runbook silence, against a real Alertmanager', (bin) => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let am: RunningAlertmanager;
  const bots: Bot[] = [];
  beforeAll(async () => {
    dir = await tempDir('silence');
    am = await startAlertmanager(
      bin['prometheus-alertmanager'],
      'route:\n  receiver: default\nreceivers:\n  - name: default\n',
    );
    await am.postAlerts(Object.values(ALERTS).map((labels) => ({ labels })));
  });
  afterAll(async () => {
    for (const b of bots) await b.close();
    await am?.stop();
    await dir?.cleanup();
  });

  test('created on approval, mutes only the incident’s alerts, expired after verification passed', async () => {
    const runbooks = await runbooksWith(dir.path, 'ok', (t) => t);
    const bot = await startBot({
      runbooksDir: runbooks,
      configure: (c) => ({ ...c, alertmanagerUrl: am.url }),
    });
    bots.push(bot);
    const incident = await approveAlert(bot);

    // While it runs (verification holds for seconds): the silence exists and mutes exactly these.
    const [silence] = await until('the silence', async () => {
      const mine = await mineOf(am, incident.id);
      return mine.length ? mine : undefined;
    });
    expect(silence!.createdBy).toBe('rollbot');
    // The comment names the incident and links its Slack message.
    expect(silence!.comment).toMatch(
      /^rollbot incident inc-\S+: rolling back payments-api — https?:\/\/\S+$/,
    );
    expect(silence!.matchers).toEqual([
      { name: 'service', value: 'payments-api', isRegex: false, isEqual: true },
      { name: 'namespace', value: 'payments', isRegex: false, isEqual: true },
      { name: 'alertname', value: 'KubePodNotReady|HighErrorRatio', isRegex: true, isEqual: true },
    ]);
    const endsIn = Date.parse(silence!.endsAt) - Date.now();
    expect(endsIn).toBeGreaterThan(25 * 60_000);
    expect(endsIn).toBeLessThanOrEqual(30 * 60_000);
    expect(silence!.status.state).toBe('active');
    const muted = await until('Alertmanager to mark the silenced alerts', async () => {
      const alerts = await am.alerts();
      const by = (labels: Record<string, string>) =>
        alerts.find((a) => a.labels.alertname === labels.alertname && a.labels.service === labels.service)!
          .status.silencedBy;
      const seen = Object.fromEntries(Object.entries(ALERTS).map(([k, l]) => [k, by(l)]));
      return seen.incident!.includes(silence!.id) ? seen : undefined;
    });
    expect(muted).toEqual({
      incident: [silence!.id],
      expected: [silence!.id],
      otherService: [],
      notListed: [],
    });

    const done = await incidentUntil(
      bot,
      incident.id,
      (i) => i.state === 'succeeded' || i.state === 'failed',
      60_000,
    );
    expect(done.state).toBe('succeeded');
    const steps = done.execution!.steps.map((s) => [s.id, s.status]);
    expect(steps[0]).toEqual(['silence-alerts', 'succeeded']);
    expect(steps.at(-1)).toEqual(['expire-silence', 'succeeded']);
    const [after] = await mineOf(am, incident.id);
    expect(after!.status.state).toBe('expired');
    expect((await am.alerts()).every((a) => a.status.silencedBy.length === 0)).toBe(true);

    const audit = (await bot.app.audit.read()).filter((r) => r.incidentId === incident.id);
    const stepEvents = audit
      .filter((r) => r.action.startsWith('step.') && JSON.stringify(r.details).includes('silence'))
      .map((r) => r.action);
    expect(stepEvents).toEqual(['step.started', 'step.succeeded', 'step.started', 'step.succeeded']);
    // The final edit is paced by the edit lane (src/slack/edit-lane.ts): wait for it to land.
    const message = await bot.world.slackSim
      .waitFor(() => {
        const text = textOf(bot.world.slackSim.message('C0PAYMENTS', done.slack!.ts)!);
        return text.includes('expire-silence') && !/Running:/.test(text) && text;
      }, 15_000)
      .catch(() => textOf(bot.world.slackSim.message('C0PAYMENTS', done.slack!.ts)!));
    expect(message).toContain('silence-alerts');
    expect(message).toContain(`expired silence ${silence!.id}`);
  });

  test('kept to its end time when the rollback fails', async () => {
    const runbooks = await runbooksWith(dir.path, 'fails', (t) =>
      t
        .replace('below: 0.01', 'below: 0') // never healthy: verification fails
        .replace(
          /holdFor: 4s # production.*\n(\s+)interval: 1s\n(\s+)timeout: 5m/,
          'holdFor: 1s\n$1interval: 200ms\n$2timeout: 3s',
        ),
    );
    const bot = await startBot({
      runbooksDir: runbooks,
      configure: (c) => ({ ...c, alertmanagerUrl: am.url }),
    });
    bots.push(bot);
    const incident = await approveAlert(bot);
    const done = await incidentUntil(
      bot,
      incident.id,
      (i) => i.state === 'succeeded' || i.state === 'failed',
      60_000,
    );
    expect(done.state).toBe('failed');
    const byId = Object.fromEntries(done.execution!.steps.map((s) => [s.id, s]));
    expect(byId['silence-alerts']!.status).toBe('succeeded');
    expect(byId['expire-silence']!.status).toBe('pending');
    const [kept] = await mineOf(am, incident.id);
    expect(kept!.status.state).toBe('active');
    expect(Date.parse(kept!.endsAt)).toBe(Date.parse(byId['silence-alerts']!.output!['endsAt'] as string));
  });
});

describe('silence scope', () => {
  const spec = parseRunbook(
    `name: x\nversion: "1"\ntarget: {namespace: a, deployment: b}\nchannel: C0X\napproval: {approvers: {users: [U0A]}}\nsteps: [{type: k8s.rolloutUndo}]\n${SILENCE}`,
    'x.yaml',
  );
  test('an incident without alert labels is not silenced at all (never a blanket silence)', () => {
    expect(spec.ok).toBe(true);
    const params = (spec as unknown as { loaded: { runbook: { silence: never } } }).loaded.runbook.silence;
    expect(silenceMatchers({ alerts: undefined } as Incident, params)).toEqual([]);
    expect(
      silenceMatchers({ alerts: { labels: { alertname: 'X' } } } as unknown as Incident, params),
    ).toEqual([]);
  });

  test('the silence step ids are reserved when a runbook silences', () => {
    const clash = parseRunbook(
      `name: x\nversion: "1"\ntarget: {namespace: a, deployment: b}\nchannel: C0X\napproval: {approvers: {users: [U0A]}}\nsteps: [{id: silence-alerts, type: k8s.rolloutUndo}]\n${SILENCE}`,
      'x.yaml',
    );
    expect(clash.ok).toBe(false);
    expect(JSON.stringify(clash)).toContain('silence-alerts');
  });
});
