/**
 * Pod-template comparison the way the Deployment controller and kubectl see it
 * (EqualIgnoreHash over typed structs): the `pod-template-hash` label is ignored, and nulls and
 * empty maps/lists are the same as absent, since Go's typed decode cannot tell them apart.
 */
import { createHash } from 'node:crypto';
import { POD_TEMPLATE_HASH_LABEL, type RawPodTemplate } from './types.js';

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = canonical((value as Record<string, unknown>)[key]);
      if (v === null || v === undefined) continue;
      if (typeof v === 'object' && Object.keys(v as object).length === 0) continue;
      out[key] = v;
    }
    return out;
  }
  return value;
}

/** The template without the `pod-template-hash` label (a deep copy: the input is left alone). */
export function withoutHashLabel(template: RawPodTemplate): RawPodTemplate {
  const copy = structuredClone(template);
  if (copy.metadata?.labels) delete copy.metadata.labels[POD_TEMPLATE_HASH_LABEL];
  return copy;
}

function templateKey(template: RawPodTemplate | undefined): string {
  return JSON.stringify(canonical(withoutHashLabel(template ?? {})));
}

export function templatesEqualIgnoringHash(
  a: RawPodTemplate | undefined,
  b: RawPodTemplate | undefined,
): boolean {
  return templateKey(a) === templateKey(b);
}

/** A short, stable fingerprint of a template's content (sha256 of its canonical form). */
export function templateHash(template: RawPodTemplate | undefined): string {
  return createHash('sha256').update(templateKey(template)).digest('hex').slice(0, 16);
}
