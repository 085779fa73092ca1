/**
 * Benchmark 6 (issue 14, bug 3): 20 rollbacks at once under Slack's real rate tiers (the Slack
 * simulator's defaults: chat.update 50 a minute for the workspace, chat.postMessage about 1/s per
 * channel), against the bot as deployed (`rollbot serve` in its own process). Fires 20 alerts,
 * approves all 20 at once, then — while the edits are under way — fires 3 more alerts. Measures,
 * from the simulators' records and the bot's stored incidents: final states lost, how long after
 * each run ended its message showed the final state, approval click → the run's first thread
 * reply, alert → proposal for the late alerts, and every 429.
 */
import { loadavg } from 'node:os';
import { Redis } from 'ioredis';
import { alertmanagerPayload } from '../src/cli/sandbox/story/alert-payload.js';
import { systemClock } from '../src/core/clock.js';
import type { Incident } from '../src/incidents/incident.js';
import { IncidentRepository } from '../src/incidents/repository.js';
import { RedisStore } from '../src/store/index.js';
import type { StoredMessage } from '@rollbot/sandbox/slack';
import { APPROVER, channelId, NAMESPACE, serviceName } from './lib/fixture.js';
import { type Bench, REDIS_URL } from './lib/harness.js';

export const EDIT_STORM_ROLLBACKS = 20;
export const EDIT_STORM_LATE = 3;
export const EDIT_STORM_SERVICES = EDIT_STORM_ROLLBACKS + EDIT_STORM_LATE;

export interface EditStormResult {
  rollbacks: number;
  succeeded: number;
  lost: string[];
  /** Per rollback: ms from the run's end to its message first showing the final state. */
  finalLagMs: number[];
  /** Per rollback: approve click → the run's announce reply in the thread. */
  approveToReplyMs: number[];
  /** Late alerts: webhook → proposal posted. */
  alertToProposalMs: number[];
  chatUpdates: number;
  status429: Record<string, number>;
  seconds: number;
  load: { before: number; after: number };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** When the version of a message that first showed `done` was stored. */
function firstFinalAt(m: StoredMessage, done: (text: string) => boolean): number | undefined {
  const versions = [...m.history.map((v) => v.text), m.text];
  const setAt = [m.postedAt, ...m.history.map((v) => v.replacedAt)];
  const i = versions.findIndex(done);
  return i < 0 ? undefined : setAt[i];
}

export async function runEditStorm(bench: Bench, first = 0): Promise<EditStormResult> {
  const sim = bench.world.slackSim;
  const redis = new Redis(REDIS_URL);
  const repo = new IncidentRepository(new RedisStore(redis, bench.prefix), systemClock);
  const t0 = performance.now();
  const loadBefore = loadavg()[0]!;
  try {
    const idx = Array.from({ length: EDIT_STORM_ROLLBACKS }, (_, k) => first + k);
    for (const i of idx)
      await (
        await bench.fireAlert(alertmanagerPayload({ service: serviceName(i), namespace: NAMESPACE }))
      ).text();
    const proposed: Incident[] = [];
    for (const i of idx) {
      for (let tries = 0; ; tries++) {
        const open = await repo.openFor(serviceName(i));
        if (open?.slack?.ts) {
          proposed.push(open);
          break;
        }
        if (tries > 600) throw new Error(`no proposal for ${serviceName(i)} within 60 s`);
        await sleep(100);
      }
    }

    const clickedAt = new Map<string, number>();
    await Promise.all(
      proposed.map(async (incident, k) => {
        clickedAt.set(incident.id, Date.now());
        await sim
          .as(APPROVER)
          .clickButton({ channel: channelId(idx[k]!), ts: incident.slack!.ts, actionId: 'rollback_approve' });
      }),
    );

    await sim.waitFor(() => sim.calls('chat.update').length >= 40, 30_000).catch(() => undefined);
    const late: { i: number; firedAt: number }[] = [];
    for (let k = 0; k < EDIT_STORM_LATE; k++) {
      const i = first + EDIT_STORM_ROLLBACKS + k;
      late.push({ i, firedAt: Date.now() });
      await (
        await bench.fireAlert(alertmanagerPayload({ service: serviceName(i), namespace: NAMESPACE }))
      ).text();
    }

    // Every run over (bounded), then every message final (bounded: 60 s after the last run ended).
    const isOver = (i: Incident) => ['succeeded', 'failed', 'cancelled'].includes(i.state);
    let finished: Incident[] = [];
    for (const deadline = Date.now() + 180_000; Date.now() < deadline; await sleep(250)) {
      finished = await Promise.all(proposed.map(async (p) => (await repo.get(p.id)) ?? p));
      if (finished.every(isOver)) break;
    }
    const finalText = (i: Incident) => (text: string) =>
      /^(Rolled back|Rollback failed): /.test(text) && !/Running:/.test(text) && text.includes(i.service);
    const messageOf = (i: Incident) => sim.message(i.channel, i.slack!.ts)!;
    await sim
      .waitFor(() => finished.every((i) => firstFinalAt(messageOf(i), finalText(i)) !== undefined), 60_000)
      .catch(() => undefined);

    const lost: string[] = [];
    const finalLagMs: number[] = [];
    const approveToReplyMs: number[] = [];
    for (const i of finished) {
      const at = firstFinalAt(messageOf(i), finalText(i));
      if (!isOver(i) || at === undefined || !finalText(i)(messageOf(i).text)) lost.push(i.service);
      else finalLagMs.push(at - (i.execution?.finishedAt ?? i.updatedAt));
      const announce = sim.replies(i.channel, i.slack!.ts).find((r) => r.text.startsWith(':rewind:'));
      approveToReplyMs.push(announce ? announce.postedAt - clickedAt.get(i.id)! : Infinity);
    }
    const alertToProposalMs = late.map(({ i, firedAt }) => {
      const m = sim.messages(channelId(i)).find((x) => !x.threadTs);
      return m ? m.postedAt - firedAt : Infinity;
    });
    const status429: Record<string, number> = {};
    for (const c of sim.calls()) if (c.status === 429) status429[c.method] = (status429[c.method] ?? 0) + 1;
    return {
      rollbacks: EDIT_STORM_ROLLBACKS,
      succeeded: finished.filter((i) => i.state === 'succeeded').length,
      lost,
      finalLagMs,
      approveToReplyMs,
      alertToProposalMs,
      chatUpdates: sim.calls('chat.update').length,
      status429,
      seconds: (performance.now() - t0) / 1000,
      load: { before: loadBefore, after: loadavg()[0]! },
    };
  } finally {
    redis.disconnect();
  }
}
