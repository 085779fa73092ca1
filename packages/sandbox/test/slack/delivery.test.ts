import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebClient } from '@slack/web-api';
import { parseScenario } from '../../src/scenario/load.js';
import { startSlackSimulator, type SlackSimulator, type StoredMessage } from '../../src/slack/index.js';
import { quietLogger } from './quiet-logger.js';

const SCENARIO = parseScenario(`
slack:
  users: [{ id: U0ALICE, name: alice }]
  channels: [{ id: C0OPS, name: ops }]
`);

/** A stand-in app whose answer each test chooses. */
let answer: (res: import('node:http').ServerResponse) => void = (res) => res.end();

describe('command and interaction delivery', () => {
  let sim: SlackSimulator;
  let app: Server;
  beforeAll(async () => {
    app = createServer((req, res) => {
      req.resume();
      req.on('end', () => answer(res));
    });
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    sim = await startSlackSimulator({
      scenario: SCENARIO,
      signingSecret: 's',
      botToken: 'xoxb-t',
      ackTimeoutMs: 300,
      eventsUrl: `http://127.0.0.1:${(app.address() as AddressInfo).port}/slack/events`,
    });
  });
  afterAll(async () => {
    app.closeAllConnections();
    app.close();
    await sim.close();
  });

  it('shows a command ack body to the user, like Slack', async () => {
    answer = (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ text: 'On it' }));
    };
    const res = await sim.as('U0ALICE').command('/rollback', 'payments', { channel: 'ops' });
    expect(res.body).toEqual({ text: 'On it' });
    expect(sim.ephemerals('U0ALICE').at(-1)).toMatchObject({ text: 'On it', via: 'ack' });
  });

  it('gives up when the app does not ack in time (operation_timeout)', async () => {
    answer = () => undefined; // never answers
    const res = await sim.as('U0ALICE').command('/rollback', 'payments', { channel: 'C0OPS' });
    expect(res).toMatchObject({ status: 0, timedOut: true });
  });

  it('posts to a user id as a DM and streams events over SSE', async () => {
    const client = new WebClient('xoxb-t', { slackApiUrl: sim.apiUrl, logger: quietLogger() });
    const controller = new AbortController();
    const stream = await fetch(`${sim.url}/_sandbox/events`, { signal: controller.signal });
    const reader = stream.body!.getReader();
    const dm = await client.chat.postMessage({ channel: 'U0ALICE', text: 'hi' });
    expect(dm.channel).toBe('D0ALICE');
    let seen = '';
    while (!seen.includes('event: message.posted'))
      seen += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    const posted = sim.messages('D0ALICE');
    expect(posted.map((m: StoredMessage) => m.text)).toEqual(['hi']);
  });
});
