/**
 * Reading and setting an image's tag in the file a GitOps controller deploys from, keeping the
 * file's comments and layout (yaml's Document API): a kustomization's `images:` entry (`newTag`),
 * Helm values (`image.tag`, with `image.repository` naming the image when present), or plain
 * manifests whose containers name the image (`image: repo:tag`, multi-document files included).
 */
import { isMap, isSeq, parseAllDocuments, type Document } from 'yaml';

export type ImageFileKind = 'kustomization' | 'helm-values' | 'manifest';

export interface ImageRef {
  kind: ImageFileKind;
  tag: string;
}

/** `registry/name:tag` → `registry/name`; digests dropped. */
export function imageName(image: string): string {
  const ref = image.split('@')[0]!;
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > slash ? ref.slice(0, colon) : ref;
}

function tagOf(image: string): string | undefined {
  const ref = image.split('@')[0]!;
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > slash ? ref.slice(colon + 1) : undefined;
}

type Visit = (doc: Document, kind: ImageFileKind, get: () => string, set: (tag: string) => void) => void;

/** Calls `visit` for every place in the file that sets the image's tag. */
function eachImage(text: string, name: string, visit: Visit): Document[] {
  const docs = parseAllDocuments(text) as Document[];
  for (const doc of docs) {
    if (doc.errors.length) throw new Error(`not valid YAML: ${doc.errors[0]!.message}`);
    const root = doc.contents;
    if (!isMap(root)) continue;
    const images = root.get('images', true);
    if (isSeq(images)) {
      images.items.forEach((item, i) => {
        if (!isMap(item) || item.get('name') !== name) return;
        visit(
          doc,
          'kustomization',
          () => String(item.get('newTag') ?? ''),
          (tag) => doc.setIn(['images', i, 'newTag'], tag),
        );
      });
      continue;
    }
    const image = root.get('image', true);
    if (isMap(image) && image.has('tag')) {
      const repo = image.get('repository');
      if (
        repo === undefined ||
        repo === name ||
        String(repo).endsWith(`/${name}`) ||
        name.endsWith(`/${String(repo)}`)
      )
        visit(
          doc,
          'helm-values',
          () => String(image.get('tag')),
          (tag) => doc.setIn(['image', 'tag'], tag),
        );
      continue;
    }
    for (const path of [
      ['spec', 'template', 'spec'],
      ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
    ]) {
      for (const list of ['containers', 'initContainers']) {
        const containers = doc.getIn([...path, list], true);
        if (!isSeq(containers)) continue;
        containers.items.forEach((c, i) => {
          if (!isMap(c)) return;
          const img = c.get('image');
          if (typeof img !== 'string' || imageName(img) !== name) return;
          visit(
            doc,
            'manifest',
            () => tagOf(img) ?? '',
            (tag) => doc.setIn([...path, list, i, 'image'], `${name}:${tag}`),
          );
        });
      }
    }
  }
  return docs;
}

/** The tag the file sets for `name`, or undefined when it does not set one. */
export function readTag(text: string, name: string): ImageRef | undefined {
  let found: ImageRef | undefined;
  eachImage(text, name, (_doc, kind, get) => {
    found ??= { kind, tag: get() };
  });
  return found;
}

/** The file with every tag of `name` set to `tag`; throws when the file does not set it. */
export function writeTag(text: string, name: string, tag: string): string {
  let n = 0;
  const docs = eachImage(text, name, (_doc, _kind, _get, set) => {
    set(tag);
    n++;
  });
  if (!n) throw new Error(`the file sets no tag for image ${name}`);
  const out = docs.map((d) => d.toString({ lineWidth: 0 }));
  // Documents after the first keep their own `---` marker from the source.
  return docs.length > 1 ? out.join('') : out[0]!;
}
