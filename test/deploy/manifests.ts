/**
 * Reading the shipped manifests (deploy/base/*.yaml, slack-app-manifest*.yaml) for the deploy tests:
 * every YAML document of a file, strictly parsed, as plain objects.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** rollbot's manifests; deploy/kustomization.yaml applies them, overlays build on them. */
export const DEPLOY = join(ROOT, 'deploy/base');
export const DEPLOY_ROOT = join(ROOT, 'deploy');
export const EXAMPLE_OVERLAY = join(ROOT, 'deploy/overlays/example-runbooks');

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

/** All documents of a YAML file; throws on any parse error or warning. */
export function readDocs(path: string): unknown[] {
  const docs = parseAllDocuments(readFileSync(path, 'utf8'), { strict: true, uniqueKeys: true });
  if (!Array.isArray(docs)) throw new Error(`${path}: not a YAML stream`);
  return docs
    .filter((d) => d.contents !== null)
    .map((d) => {
      const problems = [...d.errors, ...d.warnings];
      if (problems.length) throw new Error(`${path}: ${problems.map((p) => p.message).join('; ')}`);
      return d.toJS() as unknown;
    });
}

/** The YAML files of deploy/base/, by name. */
export function deployFiles(): string[] {
  return readdirSync(DEPLOY)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
}

/** Every Kubernetes object in deploy/base/ (kustomization.yaml is not one), with the file it came from. */
export function deployObjects(): { file: string; obj: KubeObject }[] {
  return deployFiles()
    .filter((f) => f !== 'kustomization.yaml')
    .flatMap((file) => readDocs(join(DEPLOY, file)).map((obj) => ({ file, obj: obj as KubeObject })));
}

export function findObject<T = KubeObject>(kind: string, name?: string, file?: string): T {
  const hit = deployObjects().find(
    (o) =>
      o.obj.kind === kind &&
      (name === undefined || o.obj.metadata.name === name) &&
      (file === undefined || o.file === file),
  );
  if (!hit) throw new Error(`no ${kind}${name ? ` ${name}` : ''} in deploy/`);
  return hit.obj as T;
}

/** `.env.example`'s variable names, in file order. */
export function envExampleKeys(): string[] {
  return readFileSync(join(ROOT, '.env.example'), 'utf8')
    .split('\n')
    .map((l) => /^([A-Z][A-Z0-9_]*)=/.exec(l)?.[1])
    .filter((k): k is string => k !== undefined);
}
