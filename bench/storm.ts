/**
 * Benchmark 4: an alert storm. 10,000 Alertmanager webhooks (20 distinct alert names per
 * service, so the fingerprints differ) over 50 services, 16 in flight, against a fresh bot
 * process with the Slack simulator's rate limits ON (1 post/s per channel, bursts of 10).
 * Counts the proposals posted and every Web API call answered 429; reads the bot process's
 * peak RSS from the kernel (/proc/<pid>/status VmHWM) and samples VmRSS every 100 ms.
 */
import { alertmanagerPayload } from '../src/cli/sandbox/story/alert-payload.js';
import { channelId, NAMESPACE, serviceName } from './lib/fixture.js';
import type { Bench } from './lib/harness.js';

export const STORM_ALERTS = 10_000;
export const STORM_SERVICES = 50;

export interface StormResult {
  sent: number;
  accepted: number;
  rejected: Record<string, number>;
  seconds: number;
  proposals: number;
  servicesWithProposal: number;
  duplicateProposals: number;
  calls: Record<string, number>;
  status429: Record<string, number>;
  idleRssMb: number;
  peakRssMb: number;
  sampledPeakMb: number;
  settleSeconds: number;
}

export async function runStorm(bench: Bench): Promise<StormResult> {
  const sim = bench.world.slackSim;
  await new Promise((r) => setTimeout(r, 1000));
  const idle = await bench.bot.memory();
  let sampledPeakMb = idle.rssMb;
  const sampler = setInterval(() => {
    bench.bot
      .memory()
      .then((m) => (sampledPeakMb = Math.max(sampledPeakMb, m.rssMb)))
      .catch(() => undefined);
  }, 100);

  const bodies = Array.from({ length: STORM_ALERTS }, (_, k) =>
    alertmanagerPayload({
      service: serviceName(k % STORM_SERVICES),
      namespace: NAMESPACE,
      alertname: `HighErrorRatio${Math.floor(k / STORM_SERVICES) % 20}`,
    }),
  );
  let next = 0;
  let accepted = 0;
  const rejected: Record<string, number> = {};
  const t0 = performance.now();
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      try {
        const res = await bench.fireAlert(body);
        await res.text();
        if (res.status === 200) accepted++;
        else rejected[res.status] = (rejected[res.status] ?? 0) + 1;
      } catch (err) {
        rejected[(err as Error).message] = (rejected[(err as Error).message] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  const seconds = (performance.now() - t0) / 1000;

  // Let coalesced refreshes and paced posts drain: quiet for 3 s (at most 60 s).
  const s0 = performance.now();
  let lastCount = -1;
  let quietSince = performance.now();
  while (performance.now() - s0 < 60_000) {
    const count = sim.calls().length;
    if (count !== lastCount) ((lastCount = count), (quietSince = performance.now()));
    else if (performance.now() - quietSince > 3000) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const settleSeconds = (performance.now() - s0) / 1000;
  clearInterval(sampler);
  const died = bench.bot.exited();
  if (died)
    throw new Error(
      `the bot process ended during the storm (${died}); last output:\n${bench.bot.tail.slice(-10).join('\n')}`,
    );
  const mem = await bench.bot.memory();

  const serviceChannels = new Set(Array.from({ length: STORM_SERVICES }, (_, i) => channelId(i)));
  let proposals = 0;
  const perChannel = new Map<string, number>();
  for (const ch of serviceChannels) {
    const n = sim
      .messages(ch)
      .filter((m) => m.user === sim.app.botUserId && (m.blocks?.length ?? 0) > 0).length;
    perChannel.set(ch, n);
    proposals += n;
  }
  const calls: Record<string, number> = {};
  const status429: Record<string, number> = {};
  for (const c of sim.calls()) {
    calls[c.method] = (calls[c.method] ?? 0) + 1;
    if (c.status === 429) status429[c.method] = (status429[c.method] ?? 0) + 1;
  }
  return {
    sent: STORM_ALERTS,
    accepted,
    rejected,
    seconds,
    proposals,
    servicesWithProposal: [...perChannel.values()].filter((n) => n > 0).length,
    duplicateProposals: [...perChannel.values()].reduce((a, n) => a + Math.max(0, n - 1), 0),
    calls,
    status429,
    idleRssMb: idle.rssMb,
    peakRssMb: mem.peakMb,
    sampledPeakMb,
    settleSeconds,
  };
}
