import { fileURLToPath } from 'node:url';
import { RollbotError } from '../../src/core/errors.js';
import { parseRunbook, type LoadedRunbook } from '../../src/runbooks/load.js';
import { resolveTarget, RunbookRegistry } from '../../src/runbooks/registry.js';

const EXAMPLES = fileURLToPath(new URL('../../runbooks', import.meta.url));

function runbook(name: string, body: string): LoadedRunbook {
  const r = parseRunbook(
    `name: ${name}
version: 1
channel: C0PAYMENTS
approval: { approvers: { users: [U0BOB] } }
steps: [{ type: k8s.rolloutUndo }]
${body}`,
    `${name}.yaml`,
  );
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.loaded;
}

describe('runbook registry', () => {
  test('routes the sandbox alerts to the example runbooks', async () => {
    const registry = await RunbookRegistry.fromDir(EXAMPLES);
    expect(registry.services()).toEqual(['checkout-web', 'payments-api']);
    expect(registry.forService('payments-api')?.runbook.version).toBe('3');
    expect(registry.forService(' Payments-API ')?.runbook.name).toBe('payments-api');
    expect(registry.forService('nope')).toBeUndefined();

    const paged = registry.routeAlert({
      alertname: 'HighErrorRate',
      service: 'payments-api',
      severity: 'page',
    });
    expect(paged).toMatchObject({
      matched: true,
      target: { namespace: 'payments', deployment: 'payments-api' },
    });
    expect(paged.matched && paged.runbook.runbook.name).toBe('payments-api');
    // Second matcher group (OR): alertname alone.
    expect(registry.routeAlert({ alertname: 'PaymentsApiErrorBudgetBurn' })).toMatchObject({ matched: true });
    // severity=~"critical|page" is anchored: "warning-page" does not match.
    expect(registry.routeAlert({ service: 'payments-api', severity: 'warning-page' })).toEqual({
      matched: false,
      reason: 'no runbook matches the alert labels',
    });
  });

  test('fromLabel targets come from the alert; default fills in; a missing label is a reason', () => {
    const rb = runbook(
      'web',
      `match: [['app="web"']]
target: { namespace: { fromLabel: namespace }, deployment: { fromLabel: deployment, default: web } }`,
    );
    const registry = new RunbookRegistry([rb]);
    expect(registry.routeAlert({ app: 'web', namespace: 'shop', deployment: 'web-eu' })).toMatchObject({
      matched: true,
      target: { namespace: 'shop', deployment: 'web-eu' },
    });
    expect(registry.routeAlert({ app: 'web', namespace: 'shop' })).toMatchObject({
      matched: true,
      target: { namespace: 'shop', deployment: 'web' },
    });
    const missing = registry.routeAlert({ app: 'web' });
    expect(missing).toMatchObject({
      matched: false,
      reason: expect.stringMatching(/alert label "namespace", which is missing/),
    });
    expect(resolveTarget(rb.runbook, {})).toMatchObject({ ok: false });
  });

  test('an alert matching two runbooks is not routed (nobody guesses what to roll back)', () => {
    const a = runbook('a', `match: [['team="x"']]\ntarget: { namespace: n, deployment: a }`);
    const b = runbook('b', `match: [['team=~"x|y"']]\ntarget: { namespace: n, deployment: b }`);
    const r = new RunbookRegistry([a, b]).routeAlert({ team: 'x' });
    expect(r).toMatchObject({
      matched: false,
      reason: expect.stringMatching(/several runbooks: "a" \(a.yaml\), "b" \(b.yaml\)/),
    });
  });

  test('a registry is an immutable snapshot', () => {
    const rb = runbook('a', `target: { namespace: n, deployment: a }`);
    const registry = new RunbookRegistry([rb]);
    rb.runbook.version = 'changed later';
    const held = registry.forService('a')!;
    expect(held.runbook.version).toBe('1');
    expect(() => {
      (held.runbook as { version: string }).version = 'x';
    }).toThrow(TypeError);
    expect(() => new RunbookRegistry([rb, rb])).toThrow(RollbotError);
  });

  test('fromDir refuses a directory with errors', async () => {
    await expect(RunbookRegistry.fromDir('/nonexistent/rollbot')).rejects.toMatchObject({
      code: 'config_invalid',
    });
  });
});
