import { WebClient } from '@slack/web-api';
import { parseScenario } from '../../src/scenario/load.js';
import { startSlackSimulator, type SlackSimulator } from '../../src/slack/index.js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { quietLogger } from './quiet-logger.js';

const SCENARIO = parseScenario(`
slack:
  paidPlan: false
  users: [{ id: U0ALICE, name: alice }]
  channels: [{ id: C0OPS, name: ops }]
`);

/** A stand-in app that acks everything with 200 and an empty body. */
async function ackingApp(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events` };
}

describe('response_url', () => {
  let sim: SlackSimulator;
  let appServer: Server;
  // Time that moves only when the test says so (the simulator reads clock.now()).
  let now = Date.parse('2026-11-23T12:00:00Z');
  const clock = { now: () => now };
  const client = () => new WebClient('xoxb-t', { slackApiUrl: sim.apiUrl, logger: quietLogger() });
  const post = (url: string, body: unknown) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    const app = await ackingApp();
    appServer = app.server;
    sim = await startSlackSimulator({
      scenario: SCENARIO,
      signingSecret: 's',
      botToken: 'xoxb-t',
      clock,
      eventsUrl: app.url,
    });
  });
  afterAll(async () => {
    appServer.close();
    await sim.close();
  });

  it('allows 5 uses, then answers used_url', async () => {
    const { responseUrl } = await sim.as('U0ALICE').command('/rollback', 'x', { channel: 'C0OPS' });
    for (let i = 0; i < 5; i++) expect((await post(responseUrl, { text: `n${i}` })).status).toBe(200);
    const sixth = await post(responseUrl, { text: 'n5' });
    expect(sixth.status).toBe(404);
    expect(await sixth.json()).toEqual({ ok: false, error: 'used_url' });
    expect(sim.ephemerals('U0ALICE').map((e) => e.text)).toEqual(['n0', 'n1', 'n2', 'n3', 'n4']);
  });

  it('expires after 30 minutes', async () => {
    const { responseUrl } = await sim.as('U0ALICE').command('/rollback', 'x', { channel: 'C0OPS' });
    now += 30 * 60_000 + 1;
    const res = await post(responseUrl, { text: 'late' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ ok: false, error: 'expired_url' });
  });

  it('posts in_channel, replaces and deletes the original message of an interaction', async () => {
    const { ts } = await client().chat.postMessage({
      channel: 'C0OPS',
      text: 'proposal',
      blocks: [
        {
          type: 'actions',
          elements: [{ type: 'button', action_id: 'go', text: { type: 'plain_text', text: 'Go' } }],
        },
      ],
    });
    const click = await sim.as('U0ALICE').clickButton({ channel: 'C0OPS', ts: ts!, actionId: 'go' });
    expect((click.payload.actions as { block_id: string }[])[0]!.block_id).toMatch(/^\w{5}$/);
    expect((await post(click.responseUrl, { replace_original: true, text: 'replaced' })).status).toBe(200);
    expect(sim.message('C0OPS', ts!)).toMatchObject({ text: 'replaced', history: [{ text: 'proposal' }] });
    expect(
      (await post(click.responseUrl, { response_type: 'in_channel', text: 'for everyone' })).status,
    ).toBe(200);
    expect(sim.messages('C0OPS').map((m) => m.text)).toEqual(['replaced', 'for everyone']);
    expect((await post(click.responseUrl, { delete_original: true })).status).toBe(200);
    expect(sim.message('C0OPS', ts!)).toBeUndefined();
    expect((await post(click.responseUrl, { text: '' })).status).toBe(400);
  });

  it('answers plan_upgrade_required for user groups on a free plan', async () => {
    await expect(client().usergroups.users.list({ usergroup: 'S0X' })).rejects.toMatchObject({
      data: { error: 'plan_upgrade_required' },
    });
  });
});
