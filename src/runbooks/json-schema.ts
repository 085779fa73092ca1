/**
 * The JSON Schema of a runbook, generated from the zod schema in input mode (fields with
 * defaults are optional), for editor completion via the `yaml-language-server` modeline. The
 * committed `runbooks/runbook.schema.json` must equal `renderRunbookJsonSchema()`; a test checks.
 */
import { z } from 'zod';
import { runbookSchema } from './schema.js';

export function runbookJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(runbookSchema, {
    io: 'input',
    target: 'draft-07',
    unrepresentable: 'any',
  });
  return {
    ...generated,
    title: 'rollbot runbook',
    description: 'A rollbot runbook: the agreed rollback procedure for one service (runbooks/<name>.yaml).',
  };
}

/** The exact text of runbooks/runbook.schema.json. */
export function renderRunbookJsonSchema(): string {
  return `${JSON.stringify(runbookJsonSchema(), null, 2)}\n`;
}

let keys: Set<string> | undefined;
/** Every property name the schema knows, for "did you mean" hints. */
export function knownRunbookKeys(): ReadonlySet<string> {
  if (keys) return keys;
  const found = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    const obj = node as Record<string, unknown>;
    if (typeof obj.properties === 'object' && obj.properties !== null) {
      for (const k of Object.keys(obj.properties)) found.add(k);
    }
    Object.values(obj).forEach(walk);
  };
  walk(runbookJsonSchema());
  keys = found;
  return found;
}
