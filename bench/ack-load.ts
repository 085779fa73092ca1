/**
 * Benchmark 3: `/slack/events` ack latency at a fixed offered load of signed `/rollback help`
 * slash commands, and the maximum throughput, for three servers measured in the same run: the
 * bot, a minimal Bolt app that only acks, and a bare node:http server. Each is a child process;
 * this process only generates load. The command's response_url points at a local sink, so the
 * bot's real follow-up (the help text posted to response_url) happens as in Slack.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signSlackRequest } from '@rollbot/sandbox/slack';
import { channelId } from './lib/fixture.js';
import type { Bench } from './lib/harness.js';
import { fixedRate, maxThroughput, type LoadResult, type Target } from './lib/load.js';
import { startServer } from './lib/proc.js';

export interface AckRow {
  name: string;
  fixed: LoadResult;
  max: LoadResult;
}

export const RATE = 200;
export const FIXED_SECONDS = 10;
export const MAX_SECONDS = 4;

function slashTarget(url: string, secret: string, responseUrl: string): Target {
  let n = 0;
  return {
    url,
    make() {
      n++;
      const body = new URLSearchParams({
        token: 'sandboxVerificationToken',
        team_id: 'T0SANDBOX',
        team_domain: 'rollbot-bench',
        channel_id: channelId(0),
        channel_name: 'svc-000-oncall',
        user_id: 'U0ALICE',
        user_name: 'alice',
        command: '/rollback',
        text: 'help',
        api_app_id: 'A0ROLLBOT',
        is_enterprise_install: 'false',
        response_url: `${responseUrl}/${n}`,
        trigger_id: `${n}.${Date.now()}.bench`,
      }).toString();
      const ts = Math.floor(Date.now() / 1000);
      return {
        body,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': String(ts),
          'x-slack-signature': signSlackRequest(secret, body, ts),
        },
      };
    },
  };
}

export async function runAckLoad(bench: Bench): Promise<{ rows: AckRow[]; responses: number }> {
  let responses = 0;
  const sink = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      responses++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  const responseUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/hooks`;
  const secret = bench.world.secrets.signingSecret;
  const bolt = await startServer('bolt-minimal.ts', {
    SLACK_SIGNING_SECRET: secret,
    SLACK_BOT_TOKEN: bench.world.secrets.botToken,
    SLACK_API_URL: bench.world.slackSim.apiUrl,
  });
  const bare = await startServer('bare.ts');
  const targets: [string, string][] = [
    ['rollbot', `${bench.bot.url}/slack/events`],
    ['minimal Bolt app (ack only)', `${bolt.url}/slack/events`],
    ['bare node:http', `${bare.url}/slack/events`],
  ];
  const rows: AckRow[] = [];
  try {
    for (const [name, url] of targets) {
      const target = slashTarget(url, secret, responseUrl);
      await maxThroughput(target, 1, 8); // warm-up: JIT, connections
      const fixed = await fixedRate(target, RATE, FIXED_SECONDS);
      await new Promise((r) => setTimeout(r, 500));
      const max = await maxThroughput(target, MAX_SECONDS, 32);
      await new Promise((r) => setTimeout(r, 500));
      rows.push({ name, fixed, max });
    }
  } finally {
    await Promise.all([bolt.stop(), bare.stop()]);
    await new Promise<void>((r) => (sink.close(() => r()), sink.closeAllConnections()));
  }
  return { rows, responses };
}
