/**
 * House rules that a reader should not have to police by hand, read from the sources with the
 * TypeScript parser (comments and strings are not code):
 * - the environment is read in one place: src/config parses it, src/cli/main.ts hands it over;
 * - no catch block is empty without a comment saying why nothing can be done;
 * - no file in src/ is over 300 lines (STYLE.md: one concept per file).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { sourceFiles } from '../helpers/imports.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ENV_READERS = [/^src\/config\//, /^src\/cli\/main\.ts$/];

/** `process.env` (or `process['env']`) read in a file, one "file:line" each. */
export function envReads(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    const isEnv =
      (ts.isPropertyAccessExpression(node) && node.name.text === 'env') ||
      (ts.isElementAccessExpression(node) &&
        ts.isStringLiteral(node.argumentExpression) &&
        node.argumentExpression.text === 'env');
    if (isEnv && ts.isIdentifier(node.expression) && node.expression.text === 'process')
      out.push(`${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** Catch blocks with no statement and no comment, one "file:line" each. */
export function silentCatches(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCatchClause(node) && node.block.statements.length === 0) {
      const inside = text.slice(node.block.getStart() + 1, node.block.getEnd() - 1);
      if (!/\/\/|\/\*/.test(inside))
        out.push(`${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

const read = (file: string) => readFileSync(`${ROOT}${file}`, 'utf8');

describe('source rules', () => {
  const product = sourceFiles(ROOT, 'src');
  const sandbox = sourceFiles(ROOT, 'packages/sandbox/src');

  test('only src/config reads the environment (src/cli/main.ts hands process.env to the commands)', () => {
    const reads = product
      .filter((f) => !ENV_READERS.some((r) => r.test(f)))
      .flatMap((f) => envReads(f, read(f)));
    expect(reads).toEqual([]);
    expect(envReads('src/cli/main.ts', read('src/cli/main.ts'))).toHaveLength(1);
    // A planted read is caught in either spelling; a mention in a comment or a string is not one.
    expect(envReads('x.ts', "const a = process.env.X;\nconst b = process['env'];")).toEqual([
      'x.ts:1',
      'x.ts:2',
    ]);
    expect(envReads('x.ts', "// process.env.X\nconst s = 'process.env';")).toEqual([]);
  });

  test('every empty catch block says why nothing can be done', () => {
    expect([...product, ...sandbox].flatMap((f) => silentCatches(f, read(f)))).toEqual([]);
    expect(silentCatches('x.ts', 'try { f(); } catch {}\ntry { g(); } catch (e) {\n}')).toEqual([
      'x.ts:1',
      'x.ts:2',
    ]);
    expect(silentCatches('x.ts', 'try { f(); } catch {\n  // the next poll sees it\n}')).toEqual([]);
  });

  test('no file in src/ is over 300 lines', () => {
    const long = product
      .map((f) => ({ f, lines: read(f).split('\n').length - 1 }))
      .filter(({ lines }) => lines > 300)
      .map(({ f, lines }) => `${f}: ${lines} lines`);
    expect(long).toEqual([]);
  });

  test('the composition root stays wiring: createApp is at most 150 lines', () => {
    const lines = read('src/app.ts').split('\n');
    const start = lines.findIndex((l) => l.startsWith('export async function createApp('));
    const end = lines.findIndex((l, i) => i > start && l === '}');
    expect(start).toBeGreaterThan(-1);
    expect(end - start + 1).toBeLessThanOrEqual(150);
  });
});
