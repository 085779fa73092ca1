import { parseRollbackCommand } from '../../src/slack/command-grammar.js';

describe('/rollback grammar', () => {
  test.each([
    ['payments-api', { kind: 'rollback', service: 'payments-api', emergency: false }],
    ['payments-api to 41', { kind: 'rollback', service: 'payments-api', toRevision: 41 }],
    ['payments-api to 1.4.2', { kind: 'rollback', service: 'payments-api', toImageTag: '1.4.2' }],
    [
      'payments-api to 2 because errors after deploy to prod',
      { toRevision: 2, reason: 'errors after deploy to prod' },
    ],
    [
      'payments-api --emergency because card payments down',
      { emergency: true, reason: 'card payments down' },
    ],
    ['status', { kind: 'status' }],
    ['status payments-api', { kind: 'status', service: 'payments-api' }],
    ['history payments-api', { kind: 'history', service: 'payments-api' }],
    ['cancel payments-api', { kind: 'cancel', service: 'payments-api' }],
    ['help', { kind: 'help' }],
    ['', { kind: 'help' }],
  ])('%s', (text, expected) => {
    const res = parseRollbackCommand(text);
    expect(res.ok).toBe(true);
    if (res.ok) expect(res.command).toMatchObject(expected);
  });

  test.each([
    ['Payments', 'not a service name'],
    ['payments-api to', '`to` needs'],
    ['payments-api to 0', 'revisions start at 1'],
    ['payments-api to 1 to 2', 'given twice'],
    ['payments-api now', 'unexpected "now"'],
    ['payments-api because', 'needs a reason'],
    ['payments-api --emergency', 'needs a reason'],
    ['history', 'needs a service'],
    ['cancel a b', 'takes one service'],
    ['payments-api to $%^', 'neither a revision'],
    [`payments-api because ${'x'.repeat(600)}`, 'keep it under'],
  ])('refuses %s', (text, message) => {
    const res = parseRollbackCommand(text);
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.error).toContain(message);
  });
});
