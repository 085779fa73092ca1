/**
 * Reference: the smallest Bolt app — the same @slack/bolt version and HTTP receiver rollbot uses,
 * verifying signatures, with one slash-command listener that only acks. Prints `listening <url>`;
 * the events path is `<url>/slack/events`. SLACK_API_URL must point at the Slack simulator: Bolt
 * calls auth.test on the first event, and the bench sends nothing off this machine.
 */
import bolt from '@slack/bolt';

const apiUrl = process.env.SLACK_API_URL;
if (!apiUrl?.startsWith('http://127.0.0.1'))
  throw new Error('SLACK_API_URL must be the local Slack simulator');
const app = new bolt.App({
  signingSecret: process.env.SLACK_SIGNING_SECRET!,
  token: process.env.SLACK_BOT_TOKEN!,
  tokenVerificationEnabled: false,
  clientOptions: { slackApiUrl: apiUrl },
  logLevel: bolt.LogLevel.ERROR,
});
app.command('/rollback', async ({ ack }) => {
  await ack();
});
const server = (await app.start(0, { host: '127.0.0.1' } as never)) as unknown as import('node:http').Server;
const address = server.address() as import('node:net').AddressInfo;
process.stdout.write(`listening http://127.0.0.1:${address.port}\n`);
process.on('SIGTERM', () => void app.stop().then(() => process.exit(0)));
