/**
 * Honest health: /readyz is 503 naming the dependency that is down — Redis, Slack auth, the
 * Kubernetes API — and 200 again once it is back (the remote probes are cached, so recovery shows
 * within the failure cache). An alert that cannot become a proposal because the cluster is
 * unreachable is stored, audited and answered 200 with the reason (Alertmanager must not retry it
 * forever); the channel is told once; the next delivery tries again and proposes.
 */
import { jest } from '@jest/globals';
import { KubeGateway } from '../../src/kube/index.js';
import { startBot, type Bot } from '../helpers/bot.js';
import { until } from '../helpers/infra/daemon.js';
import { CuttableProxy } from '../resilience/harness.js';

jest.setTimeout(60_000);
let bot: Bot | undefined;
let proxy: CuttableProxy | undefined;
afterEach(async () => {
  await bot?.close();
  await proxy?.close();
  bot = proxy = undefined;
});

async function readyz(b: Bot) {
  const res = await fetch(`${b.url}/readyz`);
  return {
    status: res.status,
    body: (await res.json()) as { status: string; reason?: string; checks: { name: string; ok: boolean }[] },
  };
}

test('/readyz is 503 naming Slack when the bot token is refused (invalid_auth); the rest is ok', async () => {
  bot = await startBot({
    configure: (c) => ({ ...c, slack: { ...c.slack, botToken: 'xoxb-revoked-token' } }),
  });
  const r = await readyz(bot);
  expect(r.status).toBe(503);
  expect(r.body.reason).toBe(
    'slack: Slack refuses the bot token (invalid_auth). set SLACK_BOT_TOKEN to the Bot User OAuth Token (xoxb-…) of the installed app',
  );
  expect(Object.fromEntries(r.body.checks.map((c) => [c.name, c.ok]))).toEqual({
    store: true,
    slack: false,
    kubernetes: true,
    config: true,
    shutdown: true,
  });
});

test('with everything up /readyz is 200, and asking again does not ask Slack or the API server again', async () => {
  bot = await startBot();
  expect((await readyz(bot)).status).toBe(200);
  const kubeCalls = () => bot!.world.kubeSim.requests.filter((q) => q.path === '/version').length;
  const slackCalls = () => bot!.world.slackSim.calls('auth.test').length;
  const [k, s] = [kubeCalls(), slackCalls()];
  for (let i = 0; i < 5; i++) expect((await readyz(bot)).status).toBe(200);
  expect([kubeCalls(), slackCalls()]).toEqual([k, s]);
});

test('Kubernetes unreachable: /readyz names it; an alert is stored and answered 200 with the reason, not 503; it proposes once the API is back', async () => {
  bot = await startBot({
    kube: async (w) => {
      // The API server behind a proxy that is cut from the start, as with a wrong or unreachable kubeconfig.
      proxy = await CuttableProxy.start(Number(new URL(w.kubeSim.url).port));
      proxy.cut();
      const yaml = w.kubeSim.kubeconfigYaml().replace(w.kubeSim.url, `http://127.0.0.1:${proxy.port}`);
      return KubeGateway.fromOptions({ kubeconfigYaml: yaml });
    },
  });
  const down = await until('/readyz to name Kubernetes', async () => {
    const r = await readyz(bot!);
    return r.status === 503 && r.body.reason?.includes('kubernetes: cannot reach the Kubernetes API')
      ? r
      : null;
  });
  expect(down.body.reason).toContain('to get version');

  const res = await bot.fireAlert();
  expect(res.status).toBe(200);
  const body = (await res.json()) as { status: string; problems?: string[] };
  expect(body.status).toBe('accepted');
  expect(body.problems).toEqual([expect.stringContaining('payments-api: cannot reach the Kubernetes API')]);
  const audit = await bot.app.audit.read();
  expect(audit.map((r) => r.action)).toEqual(expect.arrayContaining(['alert.received', 'proposal.failed']));
  const notice = () =>
    bot!.world.slackSim.messages('C0PAYMENTS').filter((m) => m.text.includes('could not propose a rollback'));
  await until('the channel to be told', () => notice().length === 1);
  // A re-delivery while still down: 200 again, audited again, but no second notice.
  expect((await bot.fireAlert()).status).toBe(200);
  expect((await bot.app.audit.read()).filter((r) => r.action === 'proposal.failed')).toHaveLength(2);
  expect(notice()).toHaveLength(1);

  proxy!.restore();
  await until('/readyz to be 200 again', async () => (await readyz(bot!)).status === 200, 20_000, 200);
  expect((await bot.fireAlert()).status).toBe(200);
  const proposed = await bot.waitIncident('payments-api', (i) => Boolean(i.slack?.ts));
  expect(proposed.state).toBe('proposed');
});

test('`rollbot serve` with no Kubernetes config at all: it starts, /readyz says what is missing, an alert gets 200 with the reason', async () => {
  const { spawn } = await import('node:child_process');
  const { freePort, tempDir } = await import('../helpers/infra/daemon.js');
  const { alertmanagerPayload } = await import('../../src/cli/sandbox/story/alert-payload.js');
  const home = await tempDir('no-kubeconfig-home');
  const [port, slackPort] = [await freePort(), await freePort()];
  const token = 'no-kubeconfig-am-token-0123';
  const { KUBECONFIG: _k, ...env } = process.env;
  const child = spawn(process.execPath, ['bin/rollbot.js', 'serve'], {
    cwd: new URL('../..', import.meta.url).pathname,
    env: {
      ...env,
      HOME: home.path,
      ROLLBOT_MODE: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      SLACK_SIGNING_SECRET: 'no-kubeconfig-signing-secret',
      SLACK_BOT_TOKEN: 'xoxb-no-kubeconfig',
      SLACK_API_URL: `http://127.0.0.1:${slackPort}/api/`,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: `test:no-kubeconfig:${Date.now()}:`,
      WEBHOOK_ALERTMANAGER_TOKEN: token,
    },
    stdio: 'ignore',
  });
  try {
    const url = `http://127.0.0.1:${port}`;
    const ready = await until('rollbot to answer /readyz', async () => {
      const res = await fetch(`${url}/readyz`).catch(() => null);
      return res ? ((await res.json()) as { reason?: string }) : null;
    });
    expect(ready.reason).toContain(
      'kubernetes: no Kubernetes configuration has been provided: KUBECONFIG is unset',
    );
    const res = await fetch(`${url}/webhooks/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(alertmanagerPayload({ service: 'payments-api', namespace: 'payments' })),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { problems: string[] }).problems).toEqual([
      expect.stringContaining('payments-api: no Kubernetes configuration has been provided'),
    ]);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await home.cleanup();
  }
});
