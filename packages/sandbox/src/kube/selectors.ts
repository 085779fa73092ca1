/**
 * Label and field selectors as the apiserver parses them (k8s.io/apimachinery pkg/labels and
 * pkg/fields): equality (`=`, `==`, `!=`), set-based (`in`, `notin`), existence (`k`, `!k`) and
 * numeric `>`/`<`, comma-joined. kubectl sends the set-based forms for matchExpressions.
 */
import { badRequest } from './status.js';

type Op = 'exists' | '!exists' | '=' | '!=' | 'in' | 'notin' | 'gt' | 'lt';
interface Requirement {
  key: string;
  op: Op;
  values: string[];
}

export interface LabelSelector {
  matches(labels: Record<string, string> | undefined): boolean;
}

const EVERYTHING: LabelSelector = { matches: () => true };

/** Splits on commas that are not inside `( … )`. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim());
}

const KEY = /^[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?$/;

function parseRequirement(raw: string, whole: string): Requirement {
  const fail = () =>
    badRequest(`unable to parse requirement: found '${raw}', expected: in, notin, =, ==, !=, gt, lt`);
  let m = /^!\s*(\S+)$/.exec(raw);
  if (m) return { key: m[1]!, op: '!exists', values: [] };
  m = /^(\S+?)\s+(in|notin)\s*\((.*)\)$/.exec(raw);
  if (m) {
    const values = m[3]!
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v.length > 0);
    return { key: m[1]!, op: m[2] as 'in' | 'notin', values };
  }
  m = /^([^=!<>\s]+)\s*(==|=|!=|>|<)\s*(.*)$/.exec(raw);
  if (m) {
    const op: Op = m[2] === '!=' ? '!=' : m[2] === '>' ? 'gt' : m[2] === '<' ? 'lt' : '=';
    if ((op === 'gt' || op === 'lt') && !/^-?\d+$/.test(m[3]!.trim())) throw fail();
    return { key: m[1]!, op, values: [m[3]!.trim()] };
  }
  if (KEY.test(raw)) return { key: raw, op: 'exists', values: [] };
  void whole;
  throw fail();
}

function test(req: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, req.key);
  const value = labels[req.key];
  switch (req.op) {
    case 'exists':
      return has;
    case '!exists':
      return !has;
    case '=':
      return has && value === req.values[0];
    case '!=':
      return !has || value !== req.values[0];
    case 'in':
      return has && req.values.includes(value!);
    case 'notin':
      return !has || !req.values.includes(value!);
    case 'gt':
      return has && /^-?\d+$/.test(value!) && Number(value) > Number(req.values[0]);
    case 'lt':
      return has && /^-?\d+$/.test(value!) && Number(value) < Number(req.values[0]);
  }
}

/** Parses a `labelSelector` query value; throws a 400 Status for syntax errors. */
export function parseLabelSelector(text: string | null | undefined): LabelSelector {
  if (!text || text.trim() === '') return EVERYTHING;
  const reqs = splitTopLevel(text)
    .filter((p) => p.length > 0)
    .map((p) => parseRequirement(p, text));
  return { matches: (labels) => reqs.every((r) => test(r, labels ?? {})) };
}

export interface FieldSelector {
  matches(obj: Record<string, unknown>): boolean;
}

function fieldValue(obj: Record<string, unknown>, path: string): string {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur === undefined || cur === null ? '' : String(cur);
}

/** Field selectors the sandbox serves for every kind: `metadata.name`, `metadata.namespace`, plus pod fields. */
const SUPPORTED_FIELDS = new Set([
  'metadata.name',
  'metadata.namespace',
  'status.phase',
  'spec.nodeName',
  'status.podIP',
]);

export function parseFieldSelector(text: string | null | undefined, kind: string): FieldSelector {
  if (!text || text.trim() === '') return { matches: () => true };
  const reqs = splitTopLevel(text).map((raw) => {
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(raw);
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${raw}'`);
    const field = m[1]!.trim();
    if (
      !SUPPORTED_FIELDS.has(field) ||
      ((field.startsWith('spec.') || field.startsWith('status.')) && kind !== 'Pod')
    ) {
      throw badRequest(`field label not supported: ${field}`);
    }
    return { field, negate: m[2] === '!=', value: m[3]!.trim() };
  });
  return { matches: (obj) => reqs.every((r) => (fieldValue(obj, r.field) === r.value) !== r.negate) };
}

export interface LabelSelectorObject {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** metav1.FormatLabelSelector: the string form of a selector object (what kubectl sends). */
export function formatLabelSelector(sel: LabelSelectorObject | undefined): string {
  if (!sel) return '';
  const parts: string[] = [];
  for (const k of Object.keys(sel.matchLabels ?? {}).sort()) parts.push(`${k}=${sel.matchLabels![k]}`);
  for (const e of sel.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort().join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

/** Whether labels satisfy a selector object (empty selector matches everything, as in apps/v1). */
export function selectorObjectMatches(
  sel: LabelSelectorObject | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  return parseLabelSelector(formatLabelSelector(sel)).matches(labels);
}
