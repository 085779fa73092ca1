/**
 * `node --import tsx bench/prometheus-recovery.ts`: do the shipped runbooks' `prometheus.check`
 * queries recover in time against a real Prometheus scraping every 15 s? (Issue 15: with the old
 * `[5m]` window the check passed 7 s before its 5-minute timeout.)
 *
 * Real Prometheus (15 s scrape and evaluation) scrapes the sandbox services' request counters; a
 * real Alertmanager runs the README's snippet unchanged; rollbot runs the shipped runbooks as they
 * are. Each service's bad image has served long enough to fill the query's window before the
 * approval, so the error ratio starts from its steady bad value. Reported per runbook: rollout
 * complete → the check passed (its holdFor included), against the 2-minute target.
 * Needs prometheus, prometheus-alertmanager (Debian) and Redis. Appends to bench/RESULTS.md.
 */
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { findBinary } from '../test/helpers/infra/binaries.js';
import { startAllReal } from '../test/helpers/infra/all-real.js';
import { until } from '../test/helpers/infra/daemon.js';
import { REPO_RUNBOOKS } from '../test/helpers/bot.js';
import { proposalMessages } from '../test/helpers/slack-e2e.js';
import { machine } from './lib/machine.js';

const SCRAPE = '15s';
const TARGET_MS = 120_000;
const SERVICES = [
  {
    service: 'payments-api',
    deployment: 'payments/payments-api',
    channel: 'C0PAYMENTS',
    approvers: ['U0BOB'],
  },
  // required: 2 distinct approvers from @sre-oncall; its 2.1.0 is made the bad image here.
  {
    service: 'checkout-web',
    deployment: 'checkout/checkout-web',
    channel: 'C0CHECKOUT',
    approvers: ['U0ALICE', 'U0BOB'],
  },
];
const log = (m: string) =>
  process.stderr.write(`[recovery ${new Date().toISOString().slice(11, 19)}] ${m}\n`);

async function main() {
  const prometheus = findBinary('prometheus');
  const alertmanager = findBinary('prometheus-alertmanager');
  if (!prometheus || !alertmanager)
    throw new Error(
      'needs prometheus and prometheus-alertmanager (apt-get install -y prometheus prometheus-alertmanager)',
    );
  const real = await startAllReal({
    prometheusBinary: prometheus,
    alertmanagerBinary: alertmanager,
    runbooksDir: REPO_RUNBOOKS,
    services: SERVICES,
    scrapeInterval: SCRAPE,
    evaluationInterval: SCRAPE,
    alertAbove: 0.05,
    stepMs: 300, // the default scenario's pace: a pod every 300 ms
  });
  const { bot } = real;
  const rows: string[] = [];
  try {
    bot.world.kubeSim.markImage('registry.example.com/checkout-web:2.1.0', 'bad');
    const started = Date.now();
    await real.prometheus.targetsUp();
    log(
      'waiting for both alerts to reach rollbot (README timings: group_wait 30s) and the 1m windows to fill',
    );
    const proposals = await Promise.all(
      SERVICES.map((s) =>
        until(
          `${s.service}'s proposal`,
          () =>
            proposalMessages(bot, s.channel).find((m) =>
              JSON.stringify(m.blocks ?? []).includes('rollback_approve'),
            ),
          180_000,
          500,
        ),
      ),
    );
    // The window must hold only bad samples before the rollback, or recovery looks faster than it is.
    await new Promise((r) => setTimeout(r, Math.max(0, 90_000 - (Date.now() - started))));
    log(`proposals after ${((Date.now() - started) / 1000).toFixed(0)} s; approving`);
    for (const [i, s] of SERVICES.entries())
      for (const approver of s.approvers)
        await bot.world.slackSim
          .as(approver)
          .clickButton({ channel: s.channel, ts: proposals[i]!.ts, actionId: 'rollback_approve' });
    const done = await Promise.all(
      SERVICES.map((s) =>
        bot.waitIncident(s.service, (i) => ['succeeded', 'failed'].includes(i.state), 600_000),
      ),
    );
    for (const [i, s] of SERVICES.entries()) {
      const inc = done[i]!;
      const check = inc.execution!.steps.find((st) => st.type === 'prometheus.check')!;
      const rolledOut = inc.execution!.rolloutCompleteAt!;
      const recovered = check.finishedAt! - rolledOut;
      const rb = parse(await readFile(join(REPO_RUNBOOKS, `${s.service}.yaml`), 'utf8')) as {
        verification: { type: string; with?: { holdFor?: string } }[];
      };
      const hold = rb.verification.find((v) => v.type === 'prometheus.check')?.with?.holdFor ?? '?';
      rows.push(
        `| ${s.service} | ${inc.state} | ${check.status} | ${(recovered / 1000).toFixed(1)} s | ${hold} | ${check.attempts} | ${recovered <= TARGET_MS && check.status === 'succeeded' ? '**met**' : '**MISSED**'} |`,
      );
      log(
        `${s.service}: ${inc.state}; rollout complete → check passed ${(recovered / 1000).toFixed(1)} s (${check.summary})`,
      );
    }
  } finally {
    await real.close();
  }
  const m = machine();
  const section = [
    '',
    `## ${new Date().toISOString()} — prometheus.check recovery at a ${SCRAPE} scrape (bench/prometheus-recovery.ts)`,
    '',
    `- commit: ${m.commit}; machine: ${m.cpu}, ${m.cores} cores, Node ${m.node}`,
    `- real Prometheus (${SCRAPE} scrape and evaluation) scraping the sandbox counters, real Alertmanager with the README snippet, the shipped runbooks unchanged; each bad image served ≥ 90 s before approval`,
    '',
    '| runbook | result | prometheus.check | rollout complete → check passed | holdFor (included) | attempts | target ≤ 2 min |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
  await appendFile(new URL('./RESULTS.md', import.meta.url), section);
  process.stdout.write(section);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
