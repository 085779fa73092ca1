/**
 * A generated sandbox world for the benchmarks: N one-replica Deployments `svc-000…` in namespace
 * `bench`, each at revision 2 with revision 1 to go back to, one Slack channel per service and a
 * minimal runbook per service (alert match, one approver, a single k8s.rolloutUndo step). A fresh
 * service per iteration means no cooldown, no open incident and no rollout in flight to reset.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const NAMESPACE = 'bench';
export const APPROVER = 'U0BOB';
export const AUDIT_CHANNEL = 'C0AUDIT';

export const serviceName = (i: number) => `svc-${String(i).padStart(3, '0')}`;
export const channelId = (i: number) => `C0B${String(i).padStart(3, '0')}`;

export interface Fixture {
  dir: string;
  scenarioPath: string;
  runbooksDir: string;
  services: number;
}

function scenarioYaml(n: number, stepMs: number): string {
  const deployments: string[] = [];
  const channels: string[] = [];
  for (let i = 0; i < n; i++) {
    const s = serviceName(i);
    deployments.push(
      `    - namespace: ${NAMESPACE}
      name: ${s}
      replicas: 1
      labels: { app: ${s} }
      history:
        - { image: registry.example.com/${s}:1.0.0, changeCause: deploy ${s} 1.0.0 }
        - { image: registry.example.com/${s}:1.1.0, changeCause: deploy ${s} 1.1.0 }`,
    );
    channels.push(`    - { id: ${channelId(i)}, name: ${s}-oncall }`);
  }
  return `name: bench
description: ${n} generated services for npm run bench
cluster:
  namespaces: [${NAMESPACE}]
  stepMs: ${stepMs}
  deployments:
${deployments.join('\n')}
slack:
  teamId: T0SANDBOX
  teamName: rollbot-bench
  botUserId: U0ROLLBOT
  users:
    - { id: U0ALICE, name: alice }
    - { id: ${APPROVER}, name: bob }
  channels:
    - { id: ${AUDIT_CHANNEL}, name: rollbot-audit }
    - { id: C0ALERTS, name: alerts-unrouted }
${channels.join('\n')}
`;
}

/**
 * `undo`: a single k8s.rolloutUndo step. `live`: the shipped runbook's shape (announce in the
 * thread, undo, wait, a held health check at RUNBOOK_VAR_SERVICES_URL), which edits its message
 * as often as a real rollback does.
 */
export type RunbookShape = 'undo' | 'live';

function runbookYaml(i: number, shape: RunbookShape): string {
  const s = serviceName(i);
  const steps =
    shape === 'undo'
      ? `steps:
  - type: k8s.rolloutUndo
`
      : `steps:
  - id: announce
    type: slack.notify
    with: { text: ":rewind: Rolling back {{ service }} to revision {{ target.revision }}" }
  - id: undo
    type: k8s.rolloutUndo
  - id: wait
    type: k8s.waitRollout
    timeout: 2m
verification:
  - id: healthz
    type: http.check
    with:
      url: "{{ env.RUNBOOK_VAR_SERVICES_URL }}/services/${NAMESPACE}/${s}/healthz"
      expectStatus: 200
      holdFor: 2s
      interval: 500ms
`;
  return `name: ${s}
version: "1"
match:
  - ['service="${s}"']
target: { namespace: ${NAMESPACE}, deployment: ${s} }
channel: ${channelId(i)}
approval:
  approvers: { users: [${APPROVER}] }
  required: 1
${steps}`;
}

export async function writeFixture(
  services: number,
  stepMs = 5,
  shape: RunbookShape = 'undo',
): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'rollbot-bench-'));
  const runbooksDir = join(dir, 'runbooks');
  await mkdir(runbooksDir);
  const scenarioPath = join(dir, 'scenario.yaml');
  await writeFile(scenarioPath, scenarioYaml(services, stepMs));
  for (let i = 0; i < services; i++)
    await writeFile(join(runbooksDir, `${serviceName(i)}.yaml`), runbookYaml(i, shape));
  return { dir, scenarioPath, runbooksDir, services };
}
