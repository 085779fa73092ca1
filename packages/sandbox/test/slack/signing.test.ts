import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendSigned, signSlackRequest } from '../../src/slack/index.js';

// Slack's published example (api.slack.com/authentication/verifying-requests-from-slack).
const VECTOR = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: 1531420618,
  body:
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V' +
    '&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=' +
    '&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN' +
    '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};

describe('signSlackRequest', () => {
  it("reproduces Slack's published test vector", () => {
    expect(signSlackRequest(VECTOR.secret, VECTOR.body, VECTOR.timestamp)).toBe(VECTOR.signature);
  });

  it('signs with another version prefix when asked (for forging)', () => {
    expect(signSlackRequest(VECTOR.secret, VECTOR.body, VECTOR.timestamp, 'v1')).toMatch(/^v1=[0-9a-f]{64}$/);
  });
});

describe('sendSigned', () => {
  it('sends the exact content type, signing headers, and header overrides (removed, duplicated)', async () => {
    const received: IncomingMessage[] = [];
    const bodies: string[] = [];
    const server = createServer((req, res) => {
      let b = '';
      req.on('data', (c: Buffer) => (b += c.toString()));
      req.on('end', () => {
        received.push(req);
        bodies.push(b);
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
    try {
      const res = await sendSigned({
        url,
        body: VECTOR.body,
        secret: VECTOR.secret,
        timestamp: VECTOR.timestamp,
      });
      expect(res.status).toBe(200);
      expect(received[0]!.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(received[0]!.headers['x-slack-request-timestamp']).toBe(String(VECTOR.timestamp));
      expect(received[0]!.headers['x-slack-signature']).toBe(VECTOR.signature);
      expect(bodies[0]).toBe(VECTOR.body);

      await sendSigned({
        url,
        body: 'a=1',
        secret: 's',
        headers: { 'x-slack-signature': null, 'X-Slack-Request-Timestamp': ['1', '2'] },
      });
      expect(received[1]!.headers['x-slack-signature']).toBeUndefined();
      const raw = received[1]!.rawHeaders.filter((h) => h.toLowerCase() === 'x-slack-request-timestamp');
      expect(raw).toHaveLength(2);
    } finally {
      server.close();
    }
  });
});
