/**
 * All real parts, end to end: a real Prometheus scrapes the sandbox services' request counters
 * and evaluates an alerting rule built from the runbook's own query; it fires on the bad
 * revision 3; a real Alertmanager running the README's snippet (extracted from README.md, URL and
 * token filled in) delivers it to rollbot; rollbot proposes; @bob approves; the rollback runs and
 * `prometheus.check` verifies against the real Prometheus; the alert resolves in Prometheus, and
 * Alertmanager's resolved notification updates the Slack message.
 *
 * Short intervals keep it to well under a minute: 1 s scrape and evaluation, the runbook's rate
 * window shortened from 1m to 10s (the shipped 1m window at a 15 s scrape is measured by
 * bench/prometheus-recovery.ts), and Alertmanager's group_wait/group_interval shortened on the
 * rollbot route (the README leaves Alertmanager's defaults).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { describeWithBinaries } from '../helpers/infra/binaries.js';
import { amtoolCheckConfig } from '../helpers/infra/alertmanager.js';
import { type AllReal, startAllReal } from '../helpers/infra/all-real.js';
import { tempDir, until } from '../helpers/infra/daemon.js';
import { REPO_RUNBOOKS } from '../helpers/bot.js';
import { incidentUntil, proposalMessages, textOf } from '../helpers/slack-e2e.js';

jest.setTimeout(180_000);

describeWithBinaries(
  ['prometheus', 'prometheus-alertmanager', 'amtool'],
  'all real: Prometheus rule → Alertmanager (README config) → rollbot → approve → verified against Prometheus → resolved',
  (bin) => {
    let dir: Awaited<ReturnType<typeof tempDir>>;
    let real: AllReal;
    beforeAll(async () => {
      dir = await tempDir('all-real');
      const runbooks = join(dir.path, 'runbooks');
      await mkdir(runbooks);
      const shipped = await readFile(join(REPO_RUNBOOKS, 'payments-api.yaml'), 'utf8');
      const fast = shipped.replaceAll('[1m]', '[10s]');
      expect(fast).not.toBe(shipped);
      await writeFile(join(runbooks, 'payments-api.yaml'), fast);
      real = await startAllReal({
        prometheusBinary: bin.prometheus,
        alertmanagerBinary: bin['prometheus-alertmanager'],
        runbooksDir: runbooks,
        services: [{ service: 'payments-api', deployment: 'payments/payments-api' }],
        scrapeInterval: '1s',
        evaluationInterval: '1s',
        alertAbove: 0.1,
        routeTimings: { group_wait: '1s', group_interval: '2s' },
      });
    });
    afterAll(async () => {
      await real?.close();
      await dir?.cleanup();
    });

    test('the alert fires, is approved, verified by the real Prometheus, and its resolve updates the message', async () => {
      const { bot, prometheus, alertmanager } = real;
      expect((await amtoolCheckConfig(bin.amtool, real.alertmanagerYaml)).ok).toBe(true);

      // 1. Prometheus sees revision 3 serving errors and fires; Alertmanager has it.
      await prometheus.targetsUp();
      await until(
        'HighErrorRatio to fire in Prometheus',
        async () => (await prometheus.alerts()).some((a) => a.state === 'firing'),
        60_000,
        200,
      );
      await until(
        'Alertmanager to hold the alert',
        async () => (await alertmanager.alerts(['service="payments-api"'])).length === 1,
        30_000,
        200,
      );

      // 2. Alertmanager delivers it to rollbot, which proposes in the runbook's channel.
      const proposal = await until(
        'the proposal',
        () =>
          proposalMessages(bot, 'C0PAYMENTS').find((m) =>
            JSON.stringify(m.blocks ?? []).includes('rollback_approve'),
          ),
        60_000,
        100,
      );
      const incident = await bot.waitIncident('payments-api', (i) => i.state === 'proposed');
      expect(incident.origin).toBe('alert');
      expect(incident.alerts?.firing).toBe(1);
      // The rule's summary annotation, and a link back to the rule's expression in Prometheus.
      expect(textOf(proposal)).toContain('payments-api is serving errors');
      expect(textOf(proposal)).toContain('/graph?g0.expr=');

      // 3. @bob approves; the rollback runs; verification asks the real Prometheus.
      const click = await bot.world.slackSim
        .as('U0BOB')
        .clickButton({ channel: 'C0PAYMENTS', ts: proposal.ts, actionId: 'rollback_approve' });
      expect(click.status).toBe(200);
      const done = await incidentUntil(
        bot,
        incident.id,
        (i) => ['succeeded', 'failed'].includes(i.state),
        120_000,
      );
      const steps = done.execution!.steps;
      expect(steps.find((s) => s.id === 'error-ratio')).toMatchObject({ status: 'succeeded' });
      expect(done.state).toBe('succeeded');
      // It was the real Prometheus that answered: the simulator's query API was never asked.
      expect(bot.world.prometheus.queries.filter((q) => q.includes('http_requests_total'))).toEqual([]);
      const [sample] = await prometheus.query(
        'sum(rate(http_requests_total{service="payments-api",code=~"5.."}[10s])) / sum(rate(http_requests_total{service="payments-api"}[10s]))',
      );
      expect(Number(sample!.value[1])).toBeLessThan(0.01);

      // 4. The rule stops firing; Alertmanager sends the resolve; the message says so.
      const resolved = await incidentUntil(
        bot,
        incident.id,
        (i) => i.alerts?.resolvedAt !== undefined,
        60_000,
      );
      expect(resolved.alerts?.firing).toBe(0);
      await until(
        'the message to show the alert resolved',
        () => /resolved at/i.test(textOf(bot.world.slackSim.message('C0PAYMENTS', proposal.ts)!)),
        30_000,
        100,
      );
      const actions = (await bot.app.audit.read())
        .filter((r) => r.incidentId === incident.id)
        .map((r) => r.action);
      expect(actions).toEqual(
        expect.arrayContaining([
          'proposal.posted',
          'approval.granted',
          'rollback.succeeded',
          'alert.resolved',
        ]),
      );
    });
  },
);
