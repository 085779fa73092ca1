/**
 * `npm run bench`: every rollbot benchmark in one run (about 2–3 minutes), each figure beside a
 * reference measured in the same run, appended to bench/RESULTS.md with date, commit and machine.
 * Needs Redis (REDIS_URL, default redis://127.0.0.1:6379) and, for benchmark 5, kubectl on PATH.
 * All traffic stays on 127.0.0.1. Options: --quick (fewer iterations, for trying the bench out);
 * --only edit-storm (benchmark 6 alone, about a minute, appended as its own dated section).
 */
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { runAckLoad, RATE, FIXED_SECONDS, MAX_SECONDS } from './ack-load.js';
import { runFlows } from './flows.js';
import { writeFixture } from './lib/fixture.js';
import { startBench } from './lib/harness.js';
import { machine } from './lib/machine.js';
import { EDIT_STORM_SERVICES, runEditStorm } from './edit-storm.js';
import { editStormSection, report } from './report.js';
import { runStorm, STORM_SERVICES } from './storm.js';
import { runUndo } from './undo-vs-kubectl.js';

const quick = process.argv.includes('--quick');
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const FLOW_WARMUP = 5;
// Kept small: with ~200 generated services the bot hit stale keep-alive sockets to the Slack
// simulator (ECONNRESET, then WebClient retry back-off of seconds) — see RESULTS.md notes.
const FLOW_ITERATIONS = quick ? 20 : 50;
const UNDO_EACH = quick ? 4 : 8;
const CLI_RUNS = 2;

const log = (m: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}\n`);

/** Benchmark 6 in a fresh world: the shipped runbook's shape, Slack's tiers on. */
async function editStorm() {
  log(`6: ${EDIT_STORM_SERVICES - 3} concurrent rollbacks under Slack's rate tiers, fresh bot process`);
  const fixture = await writeFixture(EDIT_STORM_SERVICES, 20, 'live');
  const bench = await startBench(fixture, {
    slackRateLimit: true,
    env: (world) => ({ RUNBOOK_VAR_SERVICES_URL: world.prometheus.url }),
  });
  try {
    return await runEditStorm(bench);
  } finally {
    await bench.close();
  }
}

async function append(text: string) {
  const path = new URL('./RESULTS.md', import.meta.url);
  const existing = await readFile(path, 'utf8').catch(() => '');
  if (!existing)
    await writeFile(
      path,
      '# rollbot benchmark results\n\nAppended by `npm run bench` (bench/run.ts); newest last. Targets from issue 9.\n',
    );
  await appendFile(path, `\n${text}`);
  process.stdout.write(text);
}

async function main() {
  const started = performance.now();
  const m = machine();
  log(`machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, node ${m.node}, commit ${m.commit}`);
  if (only === 'edit-storm') {
    const r = await editStorm();
    const six = editStormSection(r);
    const text = [
      `## ${m.date} (benchmark 6 only: \`npm run bench -- --only edit-storm\`)`,
      '',
      `- commit: ${m.commit}`,
      `- machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, Node ${m.node}; shared with other test suites (load average in the last row)`,
      `- the bot runs as \`rollbot serve\` (bin/rollbot.js: the esbuild bundle when fresh, else tsx; production mode, real Redis) in its own process; simulators in the bench process; whole run ${((performance.now() - started) / 1000).toFixed(0)} s`,
      '',
      ...six.lines,
    ].join('\n');
    await append(text);
    log(`done; appended to bench/RESULTS.md${six.missed ? ' (a target MISSED)' : ''}`);
    return;
  }
  if (only) throw new Error(`--only: unknown benchmark ${only} (known: edit-storm)`);

  const undoServices = 2 * (UNDO_EACH + 1) + CLI_RUNS;
  const fixture = await writeFixture(FLOW_WARMUP + FLOW_ITERATIONS + undoServices);
  const bench = await startBench(fixture, { slackRateLimit: false });
  let flows, ack, undo;
  try {
    log(`1+2: ${FLOW_ITERATIONS} alert → proposal → approve → PATCH iterations (+${FLOW_WARMUP} warm-up)`);
    flows = await runFlows(bench, 0, FLOW_ITERATIONS, FLOW_WARMUP);
    log(`5: undo through rollbot's gateway vs kubectl rollout undo (${UNDO_EACH} each)`);
    undo = await runUndo(bench, FLOW_WARMUP + FLOW_ITERATIONS, UNDO_EACH, CLI_RUNS);
  } finally {
    await bench.close();
  }

  // 3 and 4 use the 50-service world, each with a fresh bot process (4 measures its memory).
  const stormFixture = await writeFixture(STORM_SERVICES);
  const ackBench = await startBench(stormFixture, { slackRateLimit: false });
  try {
    log(
      `3: ack latency at ${RATE}/s for ${FIXED_SECONDS}s and max throughput for ${MAX_SECONDS}s: rollbot, minimal Bolt, bare node:http`,
    );
    ack = await runAckLoad(ackBench);
  } finally {
    await ackBench.close();
  }

  log(`4: storm of 10,000 alerts over ${STORM_SERVICES} services, Slack rate limits on, fresh bot process`);
  const stormBench = await startBench(stormFixture, { slackRateLimit: true });
  let storm;
  try {
    storm = await runStorm(stormBench);
  } finally {
    await stormBench.close();
  }

  const editStormResult = await editStorm();

  const seconds = (performance.now() - started) / 1000;
  const text = report({ machine: m, flows, ack, storm, undo, editStorm: editStormResult, seconds, quick });
  await append(text);
  log(`done in ${seconds.toFixed(0)} s; appended to bench/RESULTS.md`);
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
