/**
 * Every folder of src/ has a README whose `Imports:` line says which other parts it imports —
 * checked here against the import graph (the TypeScript parser, test/helpers/imports.ts), so a
 * README can no longer drift from the code. `name (types)` means only type imports (erased at
 * build time): the folder depends on that part's shapes, never on its code. `app` is the
 * composition root, src/app.ts.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type ImportEdge, importGraph } from '../helpers/imports.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The part of src/ a file belongs to: its top-level folder, or `app` for src/app.ts. */
function partOf(path: string): string | undefined {
  const m = /^src\/([^/]+)\//.exec(path);
  if (m) return m[1];
  return path === 'src/app.ts' ? 'app' : undefined;
}

/** What each part imports from the others: part → imported part → kinds seen. */
export function actualImports(edges: ImportEdge[]): Map<string, Map<string, Set<ImportEdge['kind']>>> {
  const out = new Map<string, Map<string, Set<ImportEdge['kind']>>>();
  for (const e of edges) {
    const from = partOf(e.from);
    const to = e.target
      ? partOf(e.target)
      : e.specifier.startsWith('@rollbot/')
        ? e.specifier.split('/').slice(0, 2).join('/')
        : undefined;
    if (!from || !to || to === from) continue;
    const parts = out.get(from) ?? new Map<string, Set<ImportEdge['kind']>>();
    out.set(from, parts);
    const kinds = parts.get(to) ?? new Set();
    parts.set(to, kinds.add(e.kind));
  }
  return out;
}

/** The README's `Imports: a, b (types), c.` line, or `Imports: nothing.`; undefined when it has none. */
export function statedImports(readme: string): Map<string, 'types' | 'code'> | undefined {
  const line = /^Imports: (.+)$/m.exec(readme)?.[1];
  if (line === undefined) return undefined;
  const stated = new Map<string, 'types' | 'code'>();
  const list = line.replace(/\.$/, '').replaceAll('`', '').trim();
  if (list === 'nothing') return stated;
  for (const entry of list.split(',').map((s) => s.trim())) {
    const m = /^(\S+)( \(types\))?$/.exec(entry);
    if (!m) throw new Error(`cannot read "${entry}" in "Imports: ${line}"`);
    stated.set(m[1]!, m[2] ? 'types' : 'code');
  }
  return stated;
}

/** Where a README and the code disagree, one sentence each. */
export function disagreements(
  part: string,
  stated: Map<string, 'types' | 'code'>,
  actual: Map<string, Set<ImportEdge['kind']>>,
): string[] {
  const out: string[] = [];
  for (const [name, kinds] of actual) {
    const runtime = [...kinds].some((k) => k !== 'type');
    const says = stated.get(name);
    if (!says)
      out.push(`src/${part} imports ${name}${runtime ? '' : ' (types)'}, which its README does not list`);
    else if (says === 'types' && runtime)
      out.push(`src/${part} imports code from ${name}, but its README says types only`);
    else if (says === 'code' && !runtime)
      out.push(`src/${part} imports only types from ${name}: its README should say "${name} (types)"`);
  }
  for (const name of stated.keys())
    if (!actual.has(name)) out.push(`src/${part}'s README lists ${name}, which it does not import`);
  return out;
}

describe('folder READMEs state what each folder imports', () => {
  const actual = actualImports(importGraph(ROOT, 'src'));
  const folders = readdirSync(`${ROOT}src`, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);

  test('every folder of src/ has a README with an Imports: line, and the code agrees with it', () => {
    const problems: string[] = [];
    for (const folder of folders) {
      const path = `${ROOT}src/${folder}/README.md`;
      if (!existsSync(path)) {
        problems.push(`src/${folder} has no README.md`);
        continue;
      }
      const stated = statedImports(readFileSync(path, 'utf8'));
      if (!stated) problems.push(`src/${folder}/README.md has no "Imports: …" line`);
      else problems.push(...disagreements(folder, stated, actual.get(folder) ?? new Map()));
    }
    expect(problems).toEqual([]);
    expect(folders.length).toBeGreaterThan(10);
  });

  test('a README that lists too much, too little, or code for types is caught', () => {
    const code = new Map([
      ['core', new Set<ImportEdge['kind']>(['static'])],
      ['store', new Set<ImportEdge['kind']>(['type'])],
      ['incidents', new Set<ImportEdge['kind']>(['type', 'static'])],
    ]);
    const readme = 'x\nImports: core, store (types), incidents (types), kube.\n';
    expect(disagreements('demo', statedImports(readme)!, code)).toEqual([
      'src/demo imports code from incidents, but its README says types only',
      "src/demo's README lists kube, which it does not import",
    ]);
    expect(disagreements('demo', statedImports('Imports: core, store.')!, code)).toEqual([
      'src/demo imports only types from store: its README should say "store (types)"',
      'src/demo imports incidents, which its README does not list',
    ]);
    expect(statedImports('Imports: nothing.')).toEqual(new Map());
    expect(statedImports('no such line')).toBeUndefined();
  });
});
