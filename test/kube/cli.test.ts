/** The `undo`, `status` and `history` commands, run in-process against the simulator. */
import { runHistory } from '../../src/cli/commands/history.js';
import { runStatus } from '../../src/cli/commands/status.js';
import { runUndo } from '../../src/cli/commands/undo.js';
import {
  defaultScenario,
  imagesOf,
  NS,
  NAME,
  startWorld,
  UNREADY,
  V142,
  V150,
  type World,
} from './harness.js';

function capture(): { out: string[]; err: string[]; w: (l: string) => void; e: (l: string) => void } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, w: (l) => out.push(l), e: (l) => err.push(l) };
}

describe('rollbot undo / status / history', () => {
  let w: World;
  afterEach(async () => w?.close());

  test('history prints REVISION, CHANGE-CAUSE and IMAGES', async () => {
    w = await startWorld();
    const c = capture();
    expect(await runHistory(w.gw, `${NS}/${NAME}`, c.w, c.e)).toBe(0);
    expect(c.out[0]).toBe('deployment.apps/payments-api');
    expect(c.out[1]).toMatch(/^REVISION\s+CHANGE-CAUSE\s+IMAGES$/);
    expect(c.out[3]).toMatch(
      /^2\s+deploy payments-api 1\.4\.2\s+registry\.example\.com\/payments-api:1\.4\.2$/,
    );
  });

  test('undo --dry-run, then undo, then status', async () => {
    w = await startWorld();
    let c = capture();
    expect(await runUndo(w.gw, `${NS}/${NAME}`, { dryRun: true }, c.w, c.e)).toBe(0);
    expect(c.out.at(-1)).toBe('deployment.apps/payments-api rolled back (server dry run)');
    expect(imagesOf(w.sim)).toEqual([V150]);

    c = capture();
    expect(await runUndo(w.gw, `${NS}/${NAME}`, { toImageTag: '1.4.2' }, c.w, c.e)).toBe(0);
    expect(c.out).toEqual([
      `current: revision 3 ${V150}`,
      `target:  revision 2 ${V142} (deploy payments-api 1.4.2)`,
      'deployment.apps/payments-api rolled back',
    ]);

    c = capture();
    expect(await runStatus(w.gw, `${NS}/${NAME}`, { timeout: '25s' }, c.w, c.e)).toBe(0);
    expect(c.out.at(-1)).toBe('deployment "payments-api" successfully rolled out');
  });

  test('failures exit 1 with what happened and what to do next', async () => {
    w = await startWorld(await defaultScenario((d) => (d.progressDeadlineSeconds = 2)));
    let c = capture();
    expect(await runUndo(w.gw, 'payments-api', {}, c.w, c.e)).toBe(1);
    expect(c.err[0]).toBe('error: "payments-api" is not <namespace>/<deployment>');
    expect(c.err[1]).toMatch(/^next: /);

    c = capture();
    expect(await runUndo(w.gw, `${NS}/${NAME}`, { toRevision: '9' }, c.w, c.e)).toBe(1);
    expect(c.err[0]).toBe('error: unable to find specified revision 9 in history');
    expect(c.err[1]).toBe(`next: list what can be restored with: rollbot history ${NS}/${NAME}`);

    w.sim.setImage(NS, NAME, UNREADY, 'deploy broken');
    c = capture();
    expect(await runStatus(w.gw, `${NS}/${NAME}`, { timeout: '15s' }, c.w, c.e)).toBe(1);
    expect(c.err[0]).toBe('error: deployment "payments-api" exceeded its progress deadline');
  }, 20_000);
});
