/**
 * What a config-repo file says the image's tag is, as the controller renders it: a kustomization's
 * `images:` override (`newTag`), Helm values (`image.tag`), or a manifest's container `image:`.
 */
import { parseAllDocuments } from 'yaml';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function fromContainers(spec: unknown, image: string): string | undefined {
  if (!isObj(spec)) return undefined;
  for (const list of [spec.containers, spec.initContainers]) {
    if (!Array.isArray(list)) continue;
    for (const c of list) {
      const img = isObj(c) && typeof c.image === 'string' ? c.image : '';
      if (img.startsWith(`${image}:`)) return img.slice(image.length + 1).split('@')[0];
    }
  }
  return undefined;
}

export function desiredTag(text: string, image: string): string | undefined {
  for (const doc of parseAllDocuments(text)) {
    const root = doc.toJS() as unknown;
    if (!isObj(root)) continue;
    if (Array.isArray(root.images)) {
      const entry = root.images.find((i) => isObj(i) && i.name === image);
      if (isObj(entry) && entry.newTag !== undefined) return String(entry.newTag);
      continue;
    }
    if (isObj(root.image) && root.image.tag !== undefined) return String(root.image.tag);
    const spec = isObj(root.spec) && isObj(root.spec.template) ? root.spec.template.spec : undefined;
    const tag = fromContainers(spec, image);
    if (tag !== undefined) return tag;
  }
  return undefined;
}
