/**
 * Issue 17: reading and setting an image tag in the three kinds of files a GitOps controller deploys
 * from, keeping comments and layout (src/gitops/image-edit.ts).
 */
import { imageName, readTag, writeTag } from '../../src/gitops/image-edit.js';

const IMG = 'registry.example.com/payments-api';

test('kustomization: images[].newTag of the named image, comments kept', () => {
  const text = `# payments\nresources:\n  - deployment.yaml\nimages:\n  - name: other/thing\n    newTag: "9"\n  - name: ${IMG} # the API\n    newTag: "1.5.0"\n`;
  expect(readTag(text, IMG)).toEqual({ kind: 'kustomization', tag: '1.5.0' });
  const out = writeTag(text, IMG, '1.4.2');
  expect(readTag(out, IMG)?.tag).toBe('1.4.2');
  expect(readTag(out, 'other/thing')?.tag).toBe('9');
  expect(out).toContain('# payments');
  expect(out).toContain('# the API');
});

test('Helm values: image.tag (image.repository, when present, must name the image)', () => {
  const text = `replicaCount: 3\nimage:\n  repository: ${IMG}\n  tag: 1.5.0 # bumped by CI\n`;
  expect(readTag(text, IMG)).toEqual({ kind: 'helm-values', tag: '1.5.0' });
  expect(writeTag(text, IMG, '1.4.2')).toBe(
    `replicaCount: 3\nimage:\n  repository: ${IMG}\n  tag: 1.4.2 # bumped by CI\n`,
  );
  expect(readTag(`image:\n  repository: other/thing\n  tag: "2"\n`, IMG)).toBeUndefined();
});

test('plain manifests, several documents: every container running the image', () => {
  const text = `apiVersion: v1\nkind: Service\nmetadata: { name: payments }\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: payments-api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: ${IMG}:1.5.0\n        - name: sidecar\n          image: envoy:1.30\n`;
  expect(readTag(text, IMG)).toEqual({ kind: 'manifest', tag: '1.5.0' });
  const out = writeTag(text, IMG, '1.4.2');
  expect(out).toContain(`image: ${IMG}:1.4.2`);
  expect(out).toContain('image: envoy:1.30');
  expect(out).toContain('kind: Service');
  expect(out.match(/^---$/gm)).toHaveLength(1);
});

test('a file that does not set the image is said so', () => {
  expect(readTag('resources: [a.yaml]\n', IMG)).toBeUndefined();
  expect(() => writeTag('resources: [a.yaml]\n', IMG, '1')).toThrow(/sets no tag for image/);
  expect(() => readTag('a: [', IMG)).toThrow(/not valid YAML/);
  expect(imageName(`${IMG}:1.5.0@sha256:abc`)).toBe(IMG);
  expect(imageName('localhost:5000/app')).toBe('localhost:5000/app');
});
