/**
 * The sandbox is a package of its own, and the product does not depend on it: only the CLI's
 * sandbox entry (src/cli/sandbox/) imports `@rollbot/sandbox`, the rest of src/ reaches that entry
 * only through the dynamic import in src/cli/load-sandbox.ts (so `rollbot serve` never loads
 * simulator code), and the package imports nothing of rollbot. Read from the import graph.
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { type ImportEdge, importGraph, importsIn } from '../helpers/imports.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ENTRY = 'src/cli/sandbox/';
const LOADER = 'src/cli/load-sandbox.ts';
const PACKAGE = 'packages/sandbox/';

const isSandboxPackage = (e: ImportEdge) =>
  /^@rollbot\/sandbox(\/|$)/.test(e.specifier) || (e.target?.startsWith(PACKAGE) ?? false);

/** What the product (src/) may not do, one line per offending import. */
function productViolations(edges: ImportEdge[]): string[] {
  const out: string[] = [];
  for (const e of edges) {
    if (e.from.startsWith(ENTRY)) continue;
    if (isSandboxPackage(e))
      out.push(`${e.from} imports ${e.specifier}: only ${ENTRY} may import the sandbox package`);
    else if (e.target?.startsWith(ENTRY) && !(e.from === LOADER && e.kind !== 'static'))
      out.push(`${e.from} imports ${e.specifier} (${e.kind}): only ${LOADER} may load ${ENTRY}, dynamically`);
  }
  return out;
}

/** What the package may not do: reach out of its folder, or into rollbot. */
function packageViolations(edges: ImportEdge[]): string[] {
  return edges
    .filter(
      (e) =>
        (e.target !== undefined && !e.target.startsWith(PACKAGE)) ||
        e.specifier === 'rollbot' ||
        e.specifier.startsWith('rollbot/'),
    )
    .map((e) => `${e.from} imports ${e.specifier}: the sandbox knows nothing of rollbot`);
}

const bareName = (specifier: string) =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;

describe('the sandbox boundary', () => {
  const product = importGraph(ROOT, 'src');
  const pkgSource = importGraph(ROOT, `${PACKAGE}src`);
  const pkgTests = importGraph(ROOT, `${PACKAGE}test`);

  test('only src/cli/sandbox/ imports @rollbot/sandbox, and only load-sandbox.ts loads it (dynamically)', () => {
    expect(productViolations(product)).toEqual([]);
    // The entry does use the package, and the loader does reach the entry: the rule is not vacuous.
    expect(product.some((e) => e.from.startsWith(ENTRY) && isSandboxPackage(e))).toBe(true);
    expect(product).toContainEqual(
      expect.objectContaining({ from: LOADER, kind: 'dynamic', target: `${ENTRY}index.ts` }),
    );
  });

  test('a planted import is caught, whatever its form; a mention in a comment is not an import', () => {
    const planted = [
      ["import { startKubeSimulator } from '@rollbot/sandbox/kube';", 'imports @rollbot/sandbox/kube'],
      ["export { loadScenario } from '@rollbot/sandbox/scenario';", 'imports @rollbot/sandbox/scenario'],
      ["const s = await import('@rollbot/sandbox/slack');", 'imports @rollbot/sandbox/slack'],
      ["import { x } from '../../packages/sandbox/src/kube/index.js';", 'imports ../../packages'],
      [
        "import { startSandboxWorld } from '../cli/sandbox/world.js';",
        'only src/cli/load-sandbox.ts may load',
      ],
    ];
    for (const [line, reason] of planted)
      expect(productViolations(importsIn('src/alerts/planted.ts', line!))).toEqual([
        expect.stringContaining(reason!),
      ]);
    // src/store/memory-store.ts says "The sandbox/demo store" in a comment: that is no import.
    const memoryStore = readFileSync(`${ROOT}src/store/memory-store.ts`, 'utf8');
    expect(memoryStore).toMatch(/sandbox/);
    expect(productViolations(importsIn('src/store/memory-store.ts', memoryStore))).toEqual([]);
    expect(
      productViolations(importsIn('src/store/x.ts', "// import { a } from '@rollbot/sandbox/kube';")),
    ).toEqual([]);
  });

  test('the package imports nothing of rollbot, and its manifest lists what its sources import', () => {
    expect(packageViolations([...pkgSource, ...pkgTests])).toEqual([]);
    expect(
      packageViolations(importsIn(`${PACKAGE}src/planted.ts`, "import '../../../src/core/errors.js';")),
    ).toEqual([expect.stringContaining('knows nothing of rollbot')]);
    const manifest = JSON.parse(readFileSync(`${ROOT}${PACKAGE}package.json`, 'utf8')) as {
      dependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
    };
    const builtin = new Set(builtinModules);
    const external = (edges: ImportEdge[]) =>
      [
        ...new Set(
          edges
            .filter((e) => !e.specifier.startsWith('.') && !e.specifier.startsWith('node:'))
            .map((e) => bareName(e.specifier))
            .filter((name) => !builtin.has(name) && name !== '@rollbot/sandbox'),
        ),
      ].sort();
    const runtime = Object.keys(manifest.dependencies ?? {});
    expect(external(pkgSource).filter((n) => !runtime.includes(n))).toEqual([]);
    const all = [...runtime, ...Object.keys(manifest.devDependencies ?? {})];
    expect(external(pkgTests).filter((n) => !all.includes(n))).toEqual([]);
  });
});
