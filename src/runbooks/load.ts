/**
 * Reads runbook YAML into validated `LoadedRunbook`s, or into lint errors that point at the
 * exact line and column (YAML node positions via `parseDocument` + `LineCounter`), each with a
 * hint. Nothing here throws for a bad runbook: callers decide (lint prints, serve refuses).
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import { describeIssues, type IssuePath } from './issues.js';
import { knownRunbookKeys } from './json-schema.js';
import { runbookSchema, type Runbook } from './schema.js';

export type RunbookSource =
  | { kind: 'file'; path: string }
  | { kind: 'github'; repo: string; ref: string; commitSha: string; path: string };

/** A validated runbook and where it came from; plain JSON, safe to store on an incident. */
export interface LoadedRunbook {
  runbook: Runbook;
  file: string;
  /** Hex SHA-256 of the raw file content: identifies the exact text an incident ran with. */
  sha256: string;
  source: RunbookSource;
}

export interface LintError {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** Path inside the runbook (`['steps', 0, 'with', 'url']`); empty for file-level errors. */
  path: IssuePath;
  message: string;
  hint: string;
}

export type ParseResult = { ok: true; loaded: LoadedRunbook } | { ok: false; errors: LintError[] };

export interface RunbookText {
  text: string;
  file: string;
  source?: RunbookSource;
}

const YAML_HINTS: Record<string, string> = {
  DUPLICATE_KEY: 'a key appears twice in the same mapping: remove one',
  BAD_INDENT: 'check the indentation (spaces only, children indented under their parent)',
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  MULTIPLE_DOCS: 'one runbook per file: remove the extra "---" document',
};

/** Finds the YAML node at `path` (or the deepest existing ancestor) and its line/column. */
function locator(doc: Document, lines: LineCounter) {
  return (path: IssuePath, atKey: boolean): { line: number; column: number } => {
    let node: unknown = doc.contents;
    let offset = (doc.contents as Node | null)?.range?.[0] ?? 0;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!;
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find(
          (p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg),
        );
        if (!pair) break;
        const keyOffset = (pair.key as Node | null)?.range?.[0] ?? offset;
        const value = pair.value as Node | null;
        // Unknown or missing keys point at the key; an empty value (`target:`) at its key too.
        if ((last && atKey) || !value?.range) {
          offset = keyOffset;
          break;
        }
        node = value;
        offset = value.range[0];
      } else if (isSeq(node) && typeof seg === 'number' && node.items[seg]) {
        node = node.items[seg];
        offset = (node as Node).range?.[0] ?? offset;
      } else {
        break;
      }
    }
    const pos = lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
}

/** Offset of the alias a toJS error names (or the first alias), for the error position. */
function firstAliasOffset(doc: Document, message: string): number {
  let found: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      if (found === undefined || message.includes(`: ${node.source}`)) found = node.range?.[0] ?? found;
      if (message.includes(`: ${node.source}`)) return visit.BREAK;
      return undefined;
    },
  });
  return found ?? 0;
}

function valueReader(data: unknown) {
  return (path: IssuePath): unknown =>
    path.reduce<unknown>(
      (v, seg) =>
        typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[String(seg)] : undefined,
      data,
    );
}

interface Parsed {
  result: ParseResult;
  locate: (path: IssuePath, atKey: boolean) => { line: number; column: number };
}

function parseWithPositions({ text, file, source }: RunbookText): Parsed {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const locate = locator(doc, lines);
  const at = (offset: number) => {
    const p = lines.linePos(offset);
    return { line: p.line, column: p.col };
  };
  if (doc.errors.length > 0) {
    const errors = doc.errors.map((e) => ({
      file,
      ...at(e.pos[0]),
      path: [],
      message: `YAML syntax error: ${e.message.split('\n')[0]}`,
      hint:
        YAML_HINTS[e.code] ??
        'fix the YAML syntax (quote values that contain ": ", "#", "{" or start with "*", "&")',
    }));
    return { result: { ok: false, errors }, locate };
  }
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (err) {
    // Aliases are resolved only here: an undefined anchor or an alias bomb throws.
    const message = err instanceof Error ? err.message : String(err);
    const errors = [
      {
        file,
        ...at(firstAliasOffset(doc, message)),
        path: [],
        message: `YAML error: ${message}`,
        hint: 'define each anchor (&name) before using it as *name, and keep aliases few',
      },
    ];
    return { result: { ok: false, errors }, locate };
  }
  if (data === null || data === undefined) {
    const errors = [
      {
        file,
        line: 1,
        column: 1,
        path: [],
        message: 'the file is empty',
        hint: 'start from runbooks/payments-api.yaml',
      },
    ];
    return { result: { ok: false, errors }, locate };
  }
  const parsed = runbookSchema.safeParse(data);
  if (!parsed.success) {
    const errors = describeIssues(parsed.error.issues, knownRunbookKeys(), valueReader(data))
      .map((m) => ({ file, ...locate(m.path, m.atKey), path: m.path, message: m.message, hint: m.hint }))
      .sort((a, b) => a.line - b.line || a.column - b.column);
    return { result: { ok: false, errors }, locate };
  }
  const sha256 = createHash('sha256').update(text).digest('hex');
  const loaded: LoadedRunbook = {
    runbook: parsed.data,
    file,
    sha256,
    source: source ?? { kind: 'file', path: file },
  };
  return { result: { ok: true, loaded }, locate };
}

/** Validates one runbook file's text; `file` is used in error messages. */
export function parseRunbook(text: string, file: string, source?: RunbookSource): ParseResult {
  return parseWithPositions(source ? { text, file, source } : { text, file }).result;
}

/**
 * Validates a set of runbook files together: each on its own, then across files (two runbooks
 * claiming one service or one name is an error on the later file, which is left out).
 */
export function parseRunbookSet(files: readonly RunbookText[]): {
  runbooks: LoadedRunbook[];
  errors: LintError[];
} {
  const runbooks: LoadedRunbook[] = [];
  const errors: LintError[] = [];
  const byService = new Map<string, string>();
  const byName = new Map<string, string>();
  for (const f of files) {
    const { result, locate } = parseWithPositions(f);
    if (!result.ok) {
      errors.push(...result.errors);
      continue;
    }
    const { runbook } = result.loaded;
    const clash = (key: 'service' | 'name', owner: string | undefined) => {
      const path = key === 'service' && runbook.service !== runbook.name ? ['service'] : ['name'];
      errors.push({
        file: f.file,
        ...locate(path, false),
        path,
        message: `${key} "${runbook[key]}" is already handled by ${owner}`,
        hint: 'each service has exactly one runbook: merge the two or rename one',
      });
    };
    if (byService.has(runbook.service)) clash('service', byService.get(runbook.service));
    else if (byName.has(runbook.name)) clash('name', byName.get(runbook.name));
    else {
      byService.set(runbook.service, f.file);
      byName.set(runbook.name, f.file);
      runbooks.push(result.loaded);
    }
  }
  return { runbooks, errors };
}

export const isRunbookFile = (name: string): boolean => /\.ya?ml$/i.test(name);

/** Loads every `*.yaml` / `*.yml` directly in `dir` (sorted by name). */
export async function loadRunbooks(dir: string): Promise<{ runbooks: LoadedRunbook[]; errors: LintError[] }> {
  let names: string[];
  try {
    // Follow symlinks: a Kubernetes ConfigMap volume mounts every key as a link into ..data/.
    const entries = (await readdir(dir, { withFileTypes: true })).filter(
      (e) => isRunbookFile(e.name) && (e.isFile() || e.isSymbolicLink()),
    );
    const files = await Promise.all(
      entries.map(async (e) => ((await stat(join(dir, e.name)).catch(() => null))?.isFile() ? e.name : null)),
    );
    names = files.filter((n): n is string => n !== null).sort();
  } catch (err) {
    const message = `cannot read runbook directory: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
    return {
      runbooks: [],
      errors: [
        {
          file: dir,
          line: 1,
          column: 1,
          path: [],
          message,
          hint: 'pass the directory holding the runbook YAML files',
        },
      ],
    };
  }
  const files = await Promise.all(
    names.map(async (name) => {
      const file = join(dir, name);
      return { text: await readFile(file, 'utf8'), file };
    }),
  );
  return parseRunbookSet(files);
}

/** `file:line:col: message (hint: …)` — the lint output line. */
export function formatLintError(e: LintError): string {
  return `${e.file}:${e.line}:${e.column}: ${e.message} (hint: ${e.hint})`;
}
