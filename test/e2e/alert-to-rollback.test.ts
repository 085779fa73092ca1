import { startBot, type Bot } from '../helpers/bot.js';

describe('alert → proposal → approval → verified rollback (real Redis, sandbox world)', () => {
  let bot: Bot;
  beforeAll(async () => {
    bot = await startBot();
  });
  afterAll(async () => bot?.close());

  test('one Alertmanager alert ends in a succeeded, verified rollback with a postmortem', async () => {
    const res = await bot.fireAlert();
    expect(res.status).toBe(200);
    const proposed = await bot.waitIncident('payments-api', (i) => Boolean(i.slack?.ts));
    expect(proposed.plan.current.revision).toBe(3);
    expect(proposed.plan.target?.revision).toBe(2);
    expect(proposed.plan.commits.map((c) => c.message)).toContain('Retry declined charges automatically');

    const click = await bot.world.slackSim
      .as('U0BOB')
      .clickButton({ channel: 'C0PAYMENTS', ts: proposed.slack!.ts, actionId: 'rollback_approve' });
    expect(click.status).toBe(200);
    const done = await bot.waitIncident(
      'payments-api',
      (i) => i.state === 'succeeded' || i.state === 'failed',
      30_000,
    );
    expect(done.state).toBe('succeeded');
    expect(done.execution?.steps.every((s) => s.status === 'succeeded')).toBe(true);

    const deployment = bot.world.kubeSim.getDeploymentRaw('payments', 'payments-api') as unknown as {
      spec: { template: { spec: { containers: { image: string }[] } } };
    };
    expect(deployment.spec.template.spec.containers[0]!.image).toBe(
      'registry.example.com/payments-api:1.4.2',
    );
    // exactly one undo PATCH reached the cluster
    expect(
      bot.world.kubeSim.requests.filter(
        (r) => r.method === 'PATCH' && r.path.includes('/deployments/payments-api'),
      ),
    ).toHaveLength(1);

    await bot.app.idle();
    const postmortem = await bot.app.postmortem(done.id);
    expect(postmortem).toContain('revision 3');
    expect(postmortem).toContain('## Timeline');
    expect(postmortem).toContain('approval.granted');
    const audit = await bot.app.audit.read({ incidentId: done.id });
    expect(audit.map((r) => r.action)).toEqual(
      expect.arrayContaining([
        'proposal.posted',
        'approval.granted',
        'step.started',
        'rollback.succeeded',
        'postmortem.created',
      ]),
    );
    expect(await bot.app.audit.verify()).toMatchObject({ ok: true });
  });
});
