import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { loadRunbooks, parseRunbook, type LintError } from '../../src/runbooks/load.js';

const EXAMPLES = fileURLToPath(new URL('../../runbooks', import.meta.url));

/** A minimal valid runbook; tests splice one broken line in. */
const base = (extra = '') => `name: demo
version: 1
target:
  namespace: payments
  deployment: payments-api
channel: C0PAYMENTS
approval:
  approvers: { users: [U0BOB] }
steps:
  - type: k8s.rolloutUndo
${extra}`;

function errorsOf(text: string): LintError[] {
  const r = parseRunbook(text, 'demo.yaml');
  if (r.ok) throw new Error('expected errors');
  return r.errors;
}

describe('loading runbooks', () => {
  test('the example runbooks load clean, with defaults filled', async () => {
    const { runbooks, errors } = await loadRunbooks(EXAMPLES);
    expect(errors).toEqual([]);
    expect(runbooks.map((r) => r.runbook.service)).toEqual(['checkout-web', 'payments-api']);
    const payments = runbooks.find((r) => r.runbook.name === 'payments-api')!;
    const raw = await readFile(join(EXAMPLES, 'payments-api.yaml'), 'utf8');
    expect(payments.sha256).toBe(createHash('sha256').update(raw).digest('hex'));
    expect(payments.source).toEqual({ kind: 'file', path: join(EXAMPLES, 'payments-api.yaml') });
    expect(payments.runbook.version).toBe('3');
    expect(payments.runbook.timeout).toBe(20 * 60_000);
    expect(payments.runbook.approval.cooldown).toBe(30 * 60_000);
    expect(payments.runbook.steps.map((s) => s.id)).toEqual(['announce', 'undo', 'wait']);
    // Plain JSON: an incident can store it and get the same thing back.
    expect(JSON.parse(JSON.stringify(payments))).toEqual(payments);
  });

  test('defaults: service = name, number version coerced, requesterMayApprove by environment, step ids', () => {
    const r = parseRunbook(base(), 'demo.yaml');
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const rb = r.loaded.runbook;
    expect(rb.service).toBe('demo');
    expect(rb.version).toBe('1');
    expect(rb.environment).toBe('production');
    expect(rb.approval).toMatchObject({
      required: 1,
      requesterMayApprove: false,
      cooldownAfterFailure: 600_000,
      proposalTtl: 7_200_000,
      freeze: [],
    });
    expect(rb.steps[0]).toEqual({
      id: 'k8s.rolloutUndo-1',
      type: 'k8s.rolloutUndo',
      with: {},
      retry: { attempts: 1, backoff: 2000 },
    });
    expect(rb).toMatchObject({
      match: [],
      verification: [],
      onResolved: 'keep',
      postmortem: false,
      timeout: 1_800_000,
    });
    const staging = parseRunbook(base().replace('version: 1', 'version: 1\nenvironment: staging'), 'x.yaml');
    expect(staging.ok && staging.loaded.runbook.approval.requesterMayApprove).toBe(true);
  });

  test('a YAML syntax error has its line and column', () => {
    const tab = errorsOf(base().replace('  - type: k8s.rolloutUndo', '\t- type: k8s.rolloutUndo'));
    expect(tab).toEqual([
      expect.objectContaining({
        file: 'demo.yaml',
        line: 10,
        column: 1,
        message: 'YAML syntax error: Tabs are not allowed as indentation',
        hint: 'indent with spaces, not tabs',
      }),
    ]);
    const unquoted = errorsOf('name: demo\nversion: 1\nchannel: C0X\ndescription: rolls: back\n');
    expect(unquoted[0]).toMatchObject({
      line: 4,
      column: 14,
      message: expect.stringMatching(/^YAML syntax error/),
    });
  });

  test('a duplicate key is a YAML error at the second key', () => {
    const errors = errorsOf(base().replace('channel: C0PAYMENTS', 'channel: C0PAYMENTS\nchannel: C0OTHER'));
    expect(errors[0]).toMatchObject({ line: 7, column: 1 });
    expect(errors[0]!.hint).toMatch(/twice/);
  });

  test('a wrong type at a nested path points at the value', () => {
    const errors = errorsOf(base('    with: { toRevision: "two" }\n'));
    expect(errors).toEqual([
      expect.objectContaining({
        line: 11,
        column: 25,
        path: ['steps', 0, 'with', 'toRevision'],
        message: 'expected number, got string',
      }),
    ]);
  });

  test('an unknown key points at the key and suggests the right one', () => {
    const errors = errorsOf(base().replace('  approvers:', '  requird: 2\n  approvers:'));
    expect(errors).toEqual([
      expect.objectContaining({
        line: 8,
        column: 3,
        message: 'unknown key "requird"',
        hint: 'did you mean "required"?',
      }),
    ]);
  });

  test('an unknown step type lists the allowed ones', () => {
    const errors = errorsOf(base('  - type: slack.notfy\n    with: { text: hi }\n'));
    expect(errors[0]).toMatchObject({ line: 11, column: 11, message: 'unknown step type "slack.notfy"' });
    expect(errors[0]!.hint).toMatch(/did you mean "slack.notify"/);
  });

  test('a bad matcher is reported at the matcher string', () => {
    const errors = errorsOf(
      base().replace('channel:', "match:\n  - ['service=\"x', 'severity=~\"(crit\"']\nchannel:"),
    );
    expect(errors).toEqual([
      expect.objectContaining({
        line: 7,
        column: 6,
        message: expect.stringMatching(/unescaped double quote/),
      }),
      expect.objectContaining({
        line: 7,
        column: 20,
        message: expect.stringMatching(/invalid regular expression/),
      }),
    ]);
  });

  test('a bad duration is reported at the value with the accepted forms', () => {
    const errors = errorsOf(base().replace('  approvers:', '  cooldown: 30 minutes\n  approvers:'));
    expect(errors).toEqual([
      expect.objectContaining({
        line: 8,
        column: 13,
        message: '"30 minutes" is not a duration',
        hint: expect.stringMatching(/30s, 10m/),
      }),
    ]);
  });

  test('a missing required key points at the parent mapping', () => {
    const errors = errorsOf(base().replace('  deployment: payments-api\n', ''));
    expect(errors).toEqual([
      expect.objectContaining({ line: 4, column: 3, message: 'missing required key "deployment"' }),
    ]);
  });

  test('verification only takes checks; step params are validated per type', () => {
    const errors = errorsOf(
      base(`  - type: http.request
    with: { url: "ftp://x" }
verification:
  - type: wait
    with: { duration: 5s }
  - type: prometheus.check
    with: { query: up }
`),
    );
    expect(errors.map((e) => [e.line, e.message])).toEqual([
      [12, '"ftp://x" is not an http(s) URL'],
      [14, 'unknown verification check type "wait"'],
      [17, 'a prometheus.check needs a threshold'],
    ]);
  });

  test('placeholders are kept verbatim; a half-typed one is an error', () => {
    const ok = parseRunbook(
      base('  - type: slack.notify\n    with: { text: "rolled back {{ service }} for {{ incident.id }}" }\n'),
      'x.yaml',
    );
    expect(ok.ok && ok.loaded.runbook.steps[1]).toMatchObject({
      with: { text: 'rolled back {{ service }} for {{ incident.id }}' },
    });
    const errors = errorsOf(base('  - type: slack.notify\n    with: { text: "rolled back {{ service" }\n'));
    expect(errors[0]).toMatchObject({ line: 12, message: expect.stringMatching(/placeholder/) });
  });

  test('two runbooks for one service: an error on the later file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rollbot-runbooks-'));
    try {
      await writeFile(join(dir, 'a.yaml'), base());
      await writeFile(join(dir, 'b.yaml'), base().replace('name: demo', 'name: other\nservice: demo'));
      await writeFile(join(dir, 'notes.txt'), 'ignored');
      const { runbooks, errors } = await loadRunbooks(dir);
      expect(runbooks.map((r) => r.file)).toEqual([join(dir, 'a.yaml')]);
      expect(errors).toEqual([
        expect.objectContaining({
          file: join(dir, 'b.yaml'),
          line: 2,
          column: 10,
          message: `service "demo" is already handled by ${join(dir, 'a.yaml')}`,
        }),
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('an empty file and a missing directory are errors, not crashes', async () => {
    expect(errorsOf('')[0]).toMatchObject({ line: 1, column: 1, message: 'the file is empty' });
    const { errors } = await loadRunbooks('/nonexistent/rollbot-runbooks');
    expect(errors[0]!.message).toMatch(/cannot read runbook directory: ENOENT/);
  });
});
