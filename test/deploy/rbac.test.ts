/**
 * deploy/rbac.yaml grants exactly what rollbot calls. The set of (verb, resource) is not written
 * down here: it is observed, by running a real rollback through KubeGateway (every method of
 * KubeGatewayApi: read, history, plan, server dry run, undo, wait) against the Kubernetes
 * simulator and mapping its request log to RBAC verbs the way the API server's RequestInfo does.
 * Then the same rollback runs under the Role's rules (the simulator enforces them) and under the
 * rules minus each single grant — it must succeed with all and fail "forbidden" without any one.
 */
import { join } from 'node:path';
import { RollbotError } from '../../src/core/errors.js';
import { KubeGateway } from '../../src/kube/index.js';
import type { LoggedRequest } from '@rollbot/sandbox/kube';
import { startKubeSimulator } from '@rollbot/sandbox/kube';
import { defaultScenario, NAME, NS } from '../kube/harness.js';
import { DEPLOY, findObject, readDocs, type KubeObject } from './manifests.js';

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}
type Role = KubeObject & { rules: Rule[] };

/** `verb group/resource`, e.g. `watch apps/deployments`. */
type Grant = string;

/**
 * The RBAC verb and resource of one request (k8s.io/apiserver RequestInfoFactory): GET on a
 * name → get; GET on a collection → list, or watch with ?watch=true; PATCH → patch.
 * Discovery (/api, /apis, /version, /openapi) is undefined here: the default system:discovery
 * ClusterRole grants it to every authenticated user, and rollbot does not call it anyway.
 */
function grantOf(r: Pick<LoggedRequest, 'method' | 'path' | 'query'>): Grant | undefined {
  const m =
    /^\/apis\/([^/]+)\/[^/]+\/namespaces\/[^/]+\/([^/]+)(?:\/([^/]+))?(?:\/([^/]+))?$/.exec(r.path) ??
    /^\/api\/v1\/namespaces\/[^/]+\/([^/]+)(?:\/([^/]+))?(?:\/([^/]+))?$/.exec(r.path);
  if (!m) {
    if (/^\/(api|apis|version|openapi)(\/|$)/.test(r.path) && r.method === 'GET') return undefined;
    throw new Error(`unexpected request ${r.method} ${r.path}: extend grantOf`);
  }
  const core = r.path.startsWith('/api/');
  const [group, resource, name, sub] = core ? ['', m[1], m[2], m[3]] : [m[1], m[2], m[3], m[4]];
  const res = sub ? `${resource}/${sub}` : resource;
  const watch = r.query['watch'] === 'true' || r.query['watch'] === '1';
  const verb =
    r.method === 'GET'
      ? name
        ? watch
          ? 'watch'
          : 'get'
        : watch
          ? 'watch'
          : 'list'
      : r.method.toLowerCase();
  return `${verb} ${group}/${res}`;
}

function grantsOfRules(rules: Rule[]): Grant[] {
  return rules
    .flatMap((rule) =>
      rule.apiGroups.flatMap((g) =>
        rule.resources.flatMap((res) => rule.verbs.map((v) => `${v} ${g}/${res}`)),
      ),
    )
    .sort();
}

/** The simulator's `rbac` block for a set of grants (it names resources `deployments.apps`). */
function simulatorRbac(grants: Grant[]) {
  return {
    user: 'system:serviceaccount:rollbot:rollbot',
    rules: grants.map((g) => {
      const [verb, gr] = g.split(' ') as [string, string];
      const [group, resource] = gr.split('/') as [string, string];
      return { verbs: [verb], resources: [group ? `${resource}.${group}` : resource], namespaces: ['*'] };
    }),
  };
}

/** A rollback the way the executor drives one, touching every KubeGatewayApi method. */
async function rollback(gw: KubeGateway): Promise<void> {
  await gw.readDeployment(NS, NAME);
  await gw.history(NS, NAME);
  const plan = await gw.planUndo(NS, NAME);
  expect((await gw.rolloutUndo(plan, { dryRun: true })).result).toBe('dry run');
  expect((await gw.rolloutUndo(plan)).result).toBe('rolled back');
  await gw.waitRollout(NS, NAME, { timeoutMs: 15_000 });
}

/** Runs the rollback against a fresh simulator (optionally enforcing `grants`); returns its request log. */
async function runRollback(grants?: Grant[]): Promise<{ requests: LoggedRequest[]; error?: unknown }> {
  const scenario = await defaultScenario();
  if (grants) scenario.cluster.rbac = simulatorRbac(grants);
  const sim = await startKubeSimulator({ scenario, stepMs: 20 });
  try {
    await rollback(KubeGateway.fromOptions({ kubeconfigYaml: sim.kubeconfigYaml() }));
    return { requests: [...sim.requests] };
  } catch (error) {
    return { requests: [...sim.requests], error };
  } finally {
    await sim.close();
  }
}

const clusterRole = (): Role => findObject<Role>('ClusterRole', 'rollbot', 'rbac.yaml');

describe('deploy RBAC: least privilege, derived from what rollbot calls', () => {
  let observed: Grant[];

  beforeAll(async () => {
    const { requests, error } = await runRollback();
    if (error) throw error;
    observed = [...new Set(requests.map(grantOf).filter((g): g is Grant => g !== undefined))].sort();
  });

  test('a real rollback makes only the calls the ClusterRole grants, and uses every grant', () => {
    // Today: get/list/watch/patch apps/deployments and list apps/replicasets. If rollbot starts
    // calling something new, grant it in rbac.yaml and rbac-namespaced.example.yaml.
    expect(observed.length).toBeGreaterThan(0);
    expect(grantsOfRules(clusterRole().rules)).toEqual(observed);
  });

  test('the rules use no wildcards, resourceNames or non-resource URLs', () => {
    for (const rule of clusterRole().rules) {
      expect(rule.resourceNames).toBeUndefined();
      expect(rule.nonResourceURLs).toBeUndefined();
      for (const v of [...rule.apiGroups, ...rule.resources, ...rule.verbs]) expect(v).not.toContain('*');
    }
  });

  test('the per-namespace Role grants the same as the ClusterRole, and both are bound to rollbot', () => {
    const docs = readDocs(join(DEPLOY, 'rbac-namespaced.example.yaml')) as (Role & {
      roleRef?: unknown;
      subjects?: unknown;
    })[];
    const role = docs.find((d) => d.kind === 'Role')!;
    expect(grantsOfRules(role.rules)).toEqual(grantsOfRules(clusterRole().rules));
    const sa = findObject('ServiceAccount');
    const subject = { kind: 'ServiceAccount', name: sa.metadata.name, namespace: sa.metadata.namespace };
    expect(docs.find((d) => d.kind === 'RoleBinding')).toMatchObject({
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name },
      subjects: [subject],
    });
    expect(findObject('ClusterRoleBinding', 'rollbot')).toMatchObject({
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: clusterRole().metadata.name,
      },
      subjects: [subject],
    });
  });

  test('under exactly these grants the rollback succeeds; without any one of them it is forbidden', async () => {
    const granted = grantsOfRules(clusterRole().rules);
    expect((await runRollback(granted)).error).toBeUndefined();
    for (const missing of granted) {
      const { error } = await runRollback(granted.filter((g) => g !== missing));
      expect(error).toBeInstanceOf(RollbotError);
      expect({ missing, code: (error as RollbotError).code }).toEqual({ missing, code: 'forbidden' });
    }
  });
});
