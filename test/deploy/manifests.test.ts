/**
 * deploy/ (rollbot's manifests in deploy/base/, applied by deploy/kustomization.yaml; the example
 * runbooks only in the overlay deploy/overlays/example-runbooks): every file parses and holds well-formed objects; kustomize builds the set; kubectl
 * accepts the Deployment and Namespace against the sandbox's Kubernetes simulator (client dry run,
 * and a server dry run the simulator validates and defaults); the Deployment is wired the way
 * rollbot runs (probes, non-root, grace, env, runbooks); ConfigMap + Secret template pass
 * rollbot's own config loader and cover .env.example.
 *
 * The simulator serves only Deployments, ReplicaSets, Pods and Namespaces, so kubectl cannot map
 * ServiceAccount, ClusterRole, ConfigMap, Service, PodDisruptionBudget… against it (client dry
 * run needs discovery for every kind). Those are checked by `kubectl kustomize` (offline) and
 * by the structural assertions below instead.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { loadConfig } from '../../src/config/index.js';
import { loadRunbooks, parseRunbookSet } from '../../src/runbooks/load.js';
import { startKubeSimulator } from '@rollbot/sandbox/kube';
import { defaultScenario, hasKubectl } from '../kube/harness.js';
import {
  DEPLOY,
  DEPLOY_ROOT,
  EXAMPLE_OVERLAY,
  deployFiles,
  deployObjects,
  envExampleKeys,
  findObject,
  readDocs,
  type KubeObject,
} from './manifests.js';

type Any = any;

const VERSION = (
  JSON.parse(readFileSync(join(DEPLOY_ROOT, '../package.json'), 'utf8')) as { version: string }
).version;
/** The ConfigMap of example runbooks the overlay adds. */
const exampleRunbooks = (): Any =>
  (readDocs(join(EXAMPLE_OVERLAY, 'runbooks-configmap.yaml')) as Any[]).find(
    (o) => o.kind === 'ConfigMap' && o.metadata.name === 'rollbot-runbooks',
  );
const built = (docs: string): KubeObject[] => parseAllDocuments(docs).map((d) => d.toJS() as KubeObject);

const NOT_APPLIED = ['secret.example.yaml', 'rbac-namespaced.example.yaml'];
const deployment = (): Any => findObject('Deployment', 'rollbot');
const configMap = (): Record<string, string> => findObject<Any>('ConfigMap', 'rollbot-config').data;
const secret = (): Record<string, string> => findObject<Any>('Secret', 'rollbot-secrets').stringData;
const container = (): Any => deployment().spec.template.spec.containers[0];

function run(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(cmd, args, { timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({
        code: err ? (typeof (err as Any).code === 'number' ? (err as Any).code : 1) : 0,
        stdout,
        stderr,
      }),
    ),
  );
}
const warnNoKubectl = (): void => console.warn('kubectl not found: skipping the kubectl checks of deploy/');

describe('deploy/ manifests', () => {
  test('every file parses; every object has apiVersion, kind and a name, and lives in namespace rollbot', () => {
    const objects = deployObjects();
    expect(objects.length).toBeGreaterThanOrEqual(11);
    for (const { file, obj } of objects) {
      expect({
        file,
        apiVersion: typeof obj.apiVersion,
        kind: typeof obj.kind,
        name: typeof obj.metadata?.name,
      }).toEqual({
        file,
        apiVersion: 'string',
        kind: 'string',
        name: 'string',
      });
      const clusterScoped = ['Namespace', 'ClusterRole', 'ClusterRoleBinding'].includes(obj.kind);
      const expected = clusterScoped
        ? undefined
        : file === 'rbac-namespaced.example.yaml'
          ? 'TARGET_NAMESPACE'
          : 'rollbot';
      expect({ file, kind: obj.kind, namespace: obj.metadata.namespace }).toEqual({
        file,
        kind: obj.kind,
        namespace: expected,
      });
    }
  });

  test('kustomization.yaml lists every manifest except the templates', () => {
    const [k] = readDocs(join(DEPLOY, 'kustomization.yaml')) as Any[];
    const manifests = deployFiles().filter((f) => f !== 'kustomization.yaml' && !NOT_APPLIED.includes(f));
    expect([...k.resources].sort()).toEqual(manifests);
  });

  test('kubectl kustomize deploy/ builds the set: no Secret (the operator makes it), no runbooks (yours, or the overlay’s)', async () => {
    if (!hasKubectl) return warnNoKubectl();
    const out = await run('kubectl', ['kustomize', DEPLOY_ROOT]);
    expect(out.stderr).toBe('');
    const objects = built(out.stdout);
    expect(objects.map((o) => o.kind).sort()).toEqual(
      [
        'ClusterRole',
        'ClusterRoleBinding',
        'ConfigMap',
        'Deployment',
        'Namespace',
        'PodDisruptionBudget',
        'Service',
        'ServiceAccount',
      ].sort(),
    );
    expect(objects.filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.name)).toEqual([
      'rollbot-config',
    ]);
    const d = objects.find((o) => o.kind === 'Deployment') as Any;
    expect(d.spec.template.spec.containers[0].image).toBe(`ghcr.io/acme/rollbot:${VERSION}`);
  });

  test('the overlay deploy/overlays/example-runbooks is the same set plus the example runbooks', async () => {
    if (!hasKubectl) return warnNoKubectl();
    const [base, overlay] = await Promise.all([
      run('kubectl', ['kustomize', DEPLOY_ROOT]),
      run('kubectl', ['kustomize', EXAMPLE_OVERLAY]),
    ]);
    expect(overlay.stderr).toBe('');
    const added = built(overlay.stdout).filter(
      (o) => !built(base.stdout).some((b) => b.kind === o.kind && b.metadata.name === o.metadata.name),
    );
    expect(added.map((o) => [o.kind, o.metadata.name, o.metadata.namespace])).toEqual([
      ['ConfigMap', 'rollbot-runbooks', 'rollbot'],
    ]);
    expect(Object.keys((added[0] as Any).data).sort()).toEqual(['checkout-web.yaml', 'payments-api.yaml']);
  });

  test('the image is the one the release workflow publishes, at the version in package.json', () => {
    const [k] = readDocs(join(DEPLOY, 'kustomization.yaml')) as Any[];
    expect(k.images).toEqual([
      { name: 'ghcr.io/acme/rollbot', newName: 'ghcr.io/acme/rollbot', newTag: VERSION },
    ]);
    expect(container().image).toBe(`ghcr.io/acme/rollbot:${VERSION}`);
    // The workflow pushes ghcr.io/<owner>/<repository>: acme/rollbot's release is ghcr.io/acme/rollbot.
    const workflow = readFileSync(join(DEPLOY_ROOT, '../.github/workflows/release.yml'), 'utf8');
    expect(workflow).toContain('images: ghcr.io/${{ github.repository }}');
  });

  test('kubectl accepts the Deployment and Namespace against the Kubernetes simulator (client and server dry run)', async () => {
    if (!hasKubectl) return warnNoKubectl();
    const scenario = await defaultScenario();
    scenario.cluster.namespaces.push('rollbot');
    const sim = await startKubeSimulator({ scenario, stepMs: 20 });
    const dir = await mkdtemp(join(tmpdir(), 'rollbot-deploy-test-'));
    try {
      await sim.writeKubeconfig(join(dir, 'config'));
      const kubectl = (...args: string[]) =>
        run('kubectl', ['--kubeconfig', join(dir, 'config'), '--cache-dir', join(dir, 'cache'), ...args]);
      const files = ['-f', join(DEPLOY, 'namespace.yaml'), '-f', join(DEPLOY, 'deployment.yaml')];
      // --validate=false: the simulator serves no OpenAPI document.
      const client = await kubectl('apply', '--dry-run=client', '--validate=false', '-o', 'name', ...files);
      expect(client).toMatchObject({ code: 0, stdout: 'namespace/rollbot\ndeployment.apps/rollbot\n' });
      const server = await kubectl(
        'create',
        '--dry-run=server',
        '--validate=false',
        '-o',
        'json',
        '-f',
        join(DEPLOY, 'deployment.yaml'),
      );
      expect(server.stderr).toBe('');
      const created = JSON.parse(server.stdout);
      expect(created.spec.template.spec.containers[0].image).toBe(`ghcr.io/acme/rollbot:${VERSION}`);
      expect(sim.getDeploymentRaw('rollbot', 'rollbot')).toBeUndefined(); // a dry run stores nothing
    } finally {
      await rm(dir, { recursive: true, force: true });
      await sim.close();
    }
  });

  test('the Deployment: 2 replicas of the image running `serve`, probes on /healthz and /readyz, resources', () => {
    const d = deployment();
    expect(d.spec.replicas).toBe(2);
    const c = container();
    expect(c).toMatchObject({
      image: `ghcr.io/acme/rollbot:${VERSION}`,
      args: ['serve'],
      ports: [{ name: 'http', containerPort: 3000 }],
    });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    for (const kind of ['requests', 'limits'])
      expect(Object.keys(c.resources[kind]).sort()).toEqual(['cpu', 'memory']);
    expect(d.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'rollbot' });
    expect(d.spec.template.metadata.labels).toMatchObject(d.spec.selector.matchLabels);
  });

  test('the Deployment runs non-root with a read-only root filesystem and no capabilities', () => {
    const pod = deployment().spec.template.spec;
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container().securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1000,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container().securityContext.capabilities.add).toBeUndefined();
    expect(pod.hostNetwork ?? false).toBe(false);
  });

  test('shutdown: terminationGracePeriodSeconds >= SHUTDOWN_GRACE + 10 s', () => {
    const graceMs = loadConfig({ ...configMap(), ...secret() }).shutdownGraceMs;
    expect(deployment().spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(
      graceMs / 1000 + 10,
    );
  });

  test('spread over nodes, a PodDisruptionBudget keeps one, the Service reaches port 3000', () => {
    const d = deployment();
    const spread = d.spec.template.spec.topologySpreadConstraints as Any[];
    expect(spread.map((s) => s.topologyKey)).toContain('kubernetes.io/hostname');
    for (const s of spread) expect(s.labelSelector.matchLabels).toEqual(d.spec.selector.matchLabels);
    const pdb = findObject<Any>('PodDisruptionBudget');
    expect(pdb.spec).toEqual({ minAvailable: 1, selector: { matchLabels: d.spec.selector.matchLabels } });
    const svc = findObject<Any>('Service');
    expect(svc.spec.selector).toEqual(d.spec.selector.matchLabels);
    expect(svc.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
    expect(d.spec.template.spec.serviceAccountName).toBe(findObject('ServiceAccount').metadata.name);
  });

  test('env: ConfigMap + Secret by reference, INSTANCE_ID from the pod name', () => {
    const c = container();
    expect(c.envFrom).toEqual([
      { configMapRef: { name: 'rollbot-config' } },
      { secretRef: { name: 'rollbot-secrets' } },
    ]);
    expect(c.env).toEqual([{ name: 'INSTANCE_ID', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }]);
  });

  test('every .env.example variable is in exactly one place; secrets only in the Secret', () => {
    const handledElsewhere = ['INSTANCE_ID', 'KUBECONFIG', 'KUBE_CONTEXT', 'SLACK_API_URL'];
    const cm = Object.keys(configMap());
    const sec = Object.keys(secret());
    for (const key of envExampleKeys().filter((k) => !k.startsWith('RUNBOOK_VAR_'))) {
      const places = [
        cm.includes(key) && 'ConfigMap',
        sec.includes(key) && 'Secret',
        handledElsewhere.includes(key) && 'elsewhere',
      ];
      expect({ key, places: places.filter(Boolean) }).toEqual({ key, places: [expect.any(String)] });
    }
    expect(sec.sort()).toEqual(
      [
        'GITHUB_TOKEN',
        'REDIS_PASSWORD',
        'REDIS_URL',
        'SLACK_APP_TOKEN',
        'SLACK_BOT_TOKEN',
        'SLACK_SIGNING_SECRET',
      ]
        .concat([
          'WEBHOOK_ALERTMANAGER_TOKEN',
          'WEBHOOK_GENERIC_SECRET',
          'WEBHOOK_GRAFANA_HMAC_SECRET',
          'WEBHOOK_GRAFANA_TOKEN',
        ])
        .sort(),
    );
    for (const key of cm) expect(key).not.toMatch(/TOKEN|SECRET|PASSWORD/);
  });

  test("ConfigMap + Secret template pass rollbot's own config loader as production settings", () => {
    const config = loadConfig({ ...configMap(), ...secret(), INSTANCE_ID: 'rollbot-abc' });
    expect(config).toMatchObject({
      mode: 'production',
      store: { kind: 'redis' },
      http: { port: 3000 },
      runbooks: { dir: '/app/runbooks' },
    });
  });

  test('the runbooks ConfigMap is mounted at RUNBOOKS_DIR; the overlay’s examples in it are valid', () => {
    const mount = container().volumeMounts.find((m: Any) => m.mountPath === configMap()['RUNBOOKS_DIR']);
    const volume = deployment().spec.template.spec.volumes.find((v: Any) => v.name === mount.name);
    expect(volume.configMap.name).toBe('rollbot-runbooks');
    expect(deployObjects().filter((o) => o.obj.metadata.name === 'rollbot-runbooks')).toEqual([]);
    const cm = exampleRunbooks();
    const files = Object.entries(cm.data as Record<string, string>).map(([name, text]) => ({
      file: name,
      text,
    }));
    expect(files.length).toBeGreaterThan(0);
    const { runbooks, errors } = parseRunbookSet(files);
    expect(errors).toEqual([]);
    expect(runbooks).toHaveLength(files.length);
  });

  // A ConfigMap volume holds symlinks (name → ..data/name); loadRunbooks must follow them.
  test('loadRunbooks reads a ConfigMap volume (kubelet symlink layout)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rollbot-cm-volume-'));
    try {
      const data = exampleRunbooks().data as Record<string, string>;
      await mkdir(join(dir, '..2025_01_01_00_00_00.000000001'));
      for (const [name, text] of Object.entries(data))
        await writeFile(join(dir, '..2025_01_01_00_00_00.000000001', name), text);
      await symlink('..2025_01_01_00_00_00.000000001', join(dir, '..data'));
      for (const name of Object.keys(data)) await symlink(join('..data', name), join(dir, name));
      const { runbooks, errors } = await loadRunbooks(dir);
      expect(errors).toEqual([]);
      expect(runbooks).toHaveLength(Object.keys(data).length);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
