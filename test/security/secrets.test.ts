/**
 * Invariant 7: secrets never leak. A full sandbox incident (alert → approval → rollback →
 * postmortem) and a failed one run with recognisable secrets; afterwards every log line, every
 * Slack message / ephemeral / response_url post / Web API call argument, the audit export, the
 * postmortems and the GitHub issues are scanned for them. The Authorization header the bot must
 * send to Slack and GitHub is the only place a token may appear, and it is not recorded here.
 * Runbooks read only RUNBOOK_VAR_*: `{{ env.SLACK_BOT_TOKEN }}` in a runbook does not expand.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportRecords } from '../../src/audit/export.js';
import { signRollbot } from '../../src/alerts/auth.js';
import { alertmanagerPayload } from '../../src/cli/sandbox/story/alert-payload.js';
import { REPO_RUNBOOKS, startBot, type Bot } from '../helpers/bot.js';

const FAKE = {
  alertmanager: 'SEKRET-alertmanager-token-7f3a9c',
  grafana: 'SEKRET-grafana-token-1b2c3d4e5f',
  generic: 'SEKRET-generic-hmac-secret-9e8d7c',
  redisPassword: 'SEKRET-redis-password-42',
  unrelatedEnv: 'SEKRET-not-a-runbook-var-0000',
  envBotToken: 'xoxb-SEKRET-env-bot-token-6d6d',
};

describe('secrets never reach logs, Slack, audit or postmortems (invariant 7)', () => {
  let bot: Bot;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rollbot-secrets-'));
    // payments-api: the real runbook, announcing with an allowed RUNBOOK_VAR_ placeholder.
    const payments = (await readFile(join(REPO_RUNBOOKS, 'payments-api.yaml'), 'utf8')).replace(
      'text: ":rewind: Rolling back {{ service }}',
      'text: ":rewind: {{ env.RUNBOOK_VAR_TEAM }} rolling back {{ service }}',
    );
    await writeFile(join(dir, 'payments-api.yaml'), payments);
    // checkout-web: a runbook that tries to read the bot token (and a secret it was never given).
    await writeFile(
      join(dir, 'checkout-web.yaml'),
      [
        'name: checkout-web',
        'version: "1"',
        'target: { namespace: checkout, deployment: checkout-web }',
        'channel: C0CHECKOUT',
        'approval:',
        '  approvers: { users: [U0BOB] }',
        'steps:',
        '  - id: leak',
        '    type: slack.notify',
        '    with: { text: "token={{ env.SLACK_BOT_TOKEN }} other={{ env.SECRET_PROBE }}" }',
        '  - type: k8s.rolloutUndo',
        '',
      ].join('\n'),
    );
    bot = await startBot({
      runbooksDir: dir,
      // The environment rollbot is started with: a runbook variable, a secret no runbook was
      // given, and the bot token itself (as `rollbot serve` would have it).
      env: {
        RUNBOOK_VAR_TEAM: 'team-payments',
        SECRET_PROBE: FAKE.unrelatedEnv,
        SLACK_BOT_TOKEN: FAKE.envBotToken,
      },
      configure: (config) => {
        return {
          ...config,
          webhooks: {
            ...config.webhooks,
            alertmanagerToken: FAKE.alertmanager,
            grafanaToken: FAKE.grafana,
            genericSecret: FAKE.generic,
            grafanaHmacSecret: undefined,
          },
          store: { ...config.store, redis: { ...config.store.redis, password: FAKE.redisPassword } },
        };
      },
    });
  }, 30_000);

  afterAll(async () => {
    await bot?.close();
  });

  test('a full incident and a failed one leave no secret anywhere', async () => {
    const { world } = bot;
    // (grafanaHmacSecret is unset unless WEBHOOK_GRAFANA_HMAC_SECRET is.)
    const secrets = [
      ...Object.values(world.secrets).filter((s): s is string => s !== undefined),
      ...Object.values(FAKE),
    ];
    expect(secrets.every((s) => s.length >= 16)).toBe(true);

    // Webhooks authenticated with the secrets (and one with a wrong token), so they pass through the edge.
    const alert = JSON.stringify(alertmanagerPayload({ service: 'payments-api', namespace: 'payments' }));
    const am = await fetch(`${bot.url}/webhooks/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${FAKE.alertmanager}` },
      body: alert,
    });
    expect(am.status).toBe(200);
    const wrong = await fetch(`${bot.url}/webhooks/grafana`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${FAKE.grafana}x` },
      body: '{}',
    });
    expect(wrong.status).toBe(401);
    const ts = Math.floor(Date.now() / 1000);
    const generic = JSON.stringify({
      alerts: [{ status: 'firing', labels: { service: 'nothing-here', alertname: 'Probe' } }],
    });
    const gen = await fetch(`${bot.url}/webhooks/generic`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-rollbot-timestamp': String(ts),
        'x-rollbot-signature': signRollbot(FAKE.generic, ts, generic),
      },
      body: generic,
    });
    expect(gen.status).toBeLessThan(500);

    // Full run: proposal → approval → rollback → verification → postmortem.
    const proposed = await bot.waitIncident('payments-api', (i) => Boolean(i.slack?.ts));
    expect(
      (
        await world.slackSim
          .as('U0BOB')
          .clickButton({ channel: 'C0PAYMENTS', ts: proposed.slack!.ts, actionId: 'rollback_approve' })
      ).status,
    ).toBe(200);
    const done = await bot.waitIncident(
      'payments-api',
      (i) => i.state === 'succeeded' || i.state === 'failed',
      30_000,
    );
    expect(done.state).toBe('succeeded');

    // A runbook asking for the bot token: the step fails naming the variable, the token stays out.
    await world.slackSim
      .as('U0ALICE')
      .command('/rollback', 'checkout-web because secrets probe', { channel: 'C0CHECKOUT' });
    const probe = await bot.waitIncident('checkout-web', (i) => Boolean(i.slack?.ts));
    await world.slackSim
      .as('U0BOB')
      .clickButton({ channel: 'C0CHECKOUT', ts: probe.slack!.ts, actionId: 'rollback_approve' });
    const failed = await bot.waitIncident(
      'checkout-web',
      (i) => ['succeeded', 'failed'].includes(i.state),
      30_000,
    );
    expect(failed.state).toBe('failed');
    expect(JSON.stringify(failed.execution)).toContain('SLACK_BOT_TOKEN is not set');
    await bot.app.idle();

    // RUNBOOK_VAR_* does expand (so the filter, not a broken interpolation, kept the token out).
    const announce = world.slackSim
      .replies('C0PAYMENTS', proposed.slack!.ts)
      .concat(world.slackSim.messages('C0PAYMENTS'));
    expect(announce.some((m) => m.text.includes('team-payments rolling back payments-api'))).toBe(true);

    // Everything rollbot wrote anywhere.
    const sim = world.slackSim;
    const slackMessages = sim
      .channels()
      .flatMap((c) => sim.messages(c.id).flatMap((m) => [m, ...sim.replies(c.id, m.ts)]));
    const postmortems = [await bot.app.postmortem(done.id), await bot.app.postmortem(failed.id)];
    expect(postmortems[0]).toContain('## Timeline');
    const audit = await bot.app.audit.read({});
    expect(audit.length).toBeGreaterThan(5);
    const surfaces: Record<string, string> = {
      logs: bot.logs.join('\n'),
      slackMessages: JSON.stringify(slackMessages),
      slackEphemerals: JSON.stringify(sim.ephemerals()),
      slackResponseUrlPosts: JSON.stringify(sim.responses()),
      // Web API call arguments as the simulator recorded them (the token travels in the
      // Authorization header, which is not part of the arguments).
      slackApiCalls: JSON.stringify(
        sim.calls().map((c) => ({ method: c.method, args: c.args, result: c.result })),
      ),
      auditJsonl: exportRecords(audit, 'jsonl'),
      auditCsv: exportRecords(audit, 'csv'),
      postmortems: postmortems.join('\n'),
      githubIssues: JSON.stringify(world.githubDouble.issues()),
      incidents: JSON.stringify([done, failed]),
    };
    expect(surfaces.logs.length).toBeGreaterThan(1000);
    expect(sim.calls('chat.postMessage').length).toBeGreaterThan(0);
    expect(world.githubDouble.issues().length).toBeGreaterThan(0);
    const leaks: string[] = [];
    for (const [where, text] of Object.entries(surfaces)) {
      for (const s of secrets) if (text.includes(s)) leaks.push(`${where} contains ${s.slice(0, 10)}…`);
      // prefixes alone would mean a partial leak (e.g. a truncated token)
      for (const s of secrets)
        if (text.includes(s.slice(0, 14)) && !text.includes(s))
          leaks.push(`${where} contains the start of ${s.slice(0, 10)}…`);
    }
    expect(leaks).toEqual([]);
  }, 60_000);
});
