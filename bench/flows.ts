/**
 * Benchmarks 1 and 2, one fresh service per iteration: fire an Alertmanager alert and time it to
 * the proposal's chat.postMessage landing in the Slack simulator (cluster read included); click
 * Approve (signed block_actions) and time it to the undo PATCH landing in the Kubernetes
 * simulator; wait for the postmortem thread reply so iterations do not overlap. References in
 * the same run: the same requests' round trips to a bare node:http server.
 */
import { alertmanagerPayload } from '../src/cli/sandbox/story/alert-payload.js';
import { sendSigned } from '@rollbot/sandbox/slack';
import { APPROVER, channelId, NAMESPACE, serviceName } from './lib/fixture.js';
import type { Bench } from './lib/harness.js';
import { startServer } from './lib/proc.js';

export interface FlowResult {
  alertToProposal: number[];
  webhookAck: number[];
  clickToPatch: number[];
  clickAck: number[];
  /** Kubernetes requests and Slack Web API calls made between the click and the PATCH. */
  kubeBeforePatch: number[];
  slackBeforePatch: number[];
  bareWebhook: number[];
  bareSigned: number[];
  failures: string[];
}

export async function runFlows(
  bench: Bench,
  first: number,
  iterations: number,
  warmup: number,
): Promise<FlowResult> {
  const r: FlowResult = {
    alertToProposal: [],
    webhookAck: [],
    clickToPatch: [],
    clickAck: [],
    kubeBeforePatch: [],
    slackBeforePatch: [],
    bareWebhook: [],
    bareSigned: [],
    failures: [],
  };
  const sim = bench.world.slackSim;
  let lastAlertBody = '';
  let lastClickBody = '';
  for (let k = 0; k < warmup + iterations; k++) {
    const i = first + k;
    const service = serviceName(i);
    const channel = channelId(i);
    try {
      const posted = bench.nextMessage(
        (m) => m.channel === channel && !m.threadTs && (m.blocks?.length ?? 0) > 0,
      );
      const body = alertmanagerPayload({ service, namespace: NAMESPACE });
      lastAlertBody = JSON.stringify(body);
      const t0 = performance.now();
      const res = await bench.fireAlert(body);
      const tAck = performance.now();
      await res.text();
      const [tPosted, proposal] = await posted;

      const patched = bench.nextPatch(`/namespaces/${NAMESPACE}/deployments/${service}`);
      const finished = bench.nextMessage(
        (m) => m.channel === channel && m.threadTs === proposal.ts && /postmortem/i.test(m.text),
        20_000,
      );
      const before = bench.counts();
      const c0 = performance.now();
      const click = await sim
        .as(APPROVER)
        .clickButton({ channel, ts: proposal.ts, actionId: 'rollback_approve' });
      const tPatch = await patched;
      const after = bench.counts();
      lastClickBody = new URLSearchParams({ payload: JSON.stringify(click.payload) }).toString();
      await finished;
      if (res.status !== 200 || click.status !== 200)
        throw new Error(`webhook ${res.status}, click ${click.status}`);
      if (k < warmup) continue;
      r.alertToProposal.push(tPosted - t0);
      r.webhookAck.push(tAck - t0);
      r.clickToPatch.push(tPatch - c0);
      r.clickAck.push(click.ackMs);
      r.kubeBeforePatch.push(after.kube - before.kube - 1);
      r.slackBeforePatch.push(after.slack - before.slack);
    } catch (err) {
      r.failures.push(`${service}: ${(err as Error).message}`);
    }
  }

  // References: the same bodies to a bare node:http server (a child process, like the bot).
  const bare = await startServer('bare.ts');
  const secret = bench.world.secrets.signingSecret;
  try {
    for (let k = 0; k < warmup + iterations; k++) {
      let t = performance.now();
      const a = await fetch(`${bare.url}/webhooks/alertmanager`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${bench.world.secrets.alertmanagerToken}`,
        },
        body: lastAlertBody,
      });
      await a.text();
      if (k >= warmup) r.bareWebhook.push(performance.now() - t);
      // Signed as Slack signs, sent as the simulator sends (node:http, one request per connection).
      t = performance.now();
      const s = await sendSigned({ url: `${bare.url}/slack/events`, body: lastClickBody, secret });
      if (k >= warmup && s.status === 200) r.bareSigned.push(s.ms);
    }
  } finally {
    await bare.stop();
  }
  return r;
}
