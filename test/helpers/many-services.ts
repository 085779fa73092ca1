/**
 * A generated world of N small services for load tests: one-replica Deployments `svc-00…` in
 * namespace `fleet` (revision 2 live, revision 1 to go back to), one Slack channel each and a
 * runbook each with the shape of the shipped one (announce in the thread, undo, wait, a held
 * health check), so a rollback edits its message as often as a real one does.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const FLEET_NAMESPACE = 'fleet';
export const FLEET_APPROVER = 'U0BOB';
export const fleetService = (i: number) => `svc-${String(i).padStart(2, '0')}`;
export const fleetChannel = (i: number) => `C0F${String(i).padStart(3, '0')}`;

export function fleetScenarioYaml(n: number): string {
  const deployments: string[] = [];
  const channels: string[] = [];
  for (let i = 0; i < n; i++) {
    const s = fleetService(i);
    deployments.push(
      `    - namespace: ${FLEET_NAMESPACE}
      name: ${s}
      replicas: 1
      labels: { app: ${s} }
      history:
        - { image: registry.example.com/${s}:1.0.0, changeCause: deploy ${s} 1.0.0 }
        - { image: registry.example.com/${s}:1.1.0, changeCause: deploy ${s} 1.1.0 }`,
    );
    channels.push(`    - { id: ${fleetChannel(i)}, name: ${s}-oncall }`);
  }
  return `name: fleet
description: ${n} generated services for load tests
cluster:
  namespaces: [${FLEET_NAMESPACE}]
  stepMs: 20
  deployments:
${deployments.join('\n')}
slack:
  teamId: T0SANDBOX
  teamName: rollbot-fleet
  botUserId: U0ROLLBOT
  users:
    - { id: U0ALICE, name: alice }
    - { id: ${FLEET_APPROVER}, name: bob }
  channels:
    - { id: C0AUDIT, name: rollbot-audit }
    - { id: C0ALERTS, name: alerts-unrouted }
${channels.join('\n')}
`;
}

function runbookYaml(i: number): string {
  const s = fleetService(i);
  return `name: ${s}
version: "1"
match:
  - ['service="${s}"']
target: { namespace: ${FLEET_NAMESPACE}, deployment: ${s} }
channel: ${fleetChannel(i)}
approval:
  approvers: { users: [${FLEET_APPROVER}] }
  required: 1
steps:
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
      url: "{{ env.SANDBOX_SERVICES_URL }}/services/${FLEET_NAMESPACE}/${s}/healthz"
      expectStatus: 200
      holdFor: 2s
      interval: 500ms
`;
}

/** Writes the scenario and the runbooks; returns their paths (for startBot). */
export async function writeFleet(n: number): Promise<{ scenarioYaml: string; runbooksDir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'rollbot-fleet-'));
  const runbooksDir = join(dir, 'runbooks');
  await mkdir(runbooksDir);
  for (let i = 0; i < n; i++) await writeFile(join(runbooksDir, `${fleetService(i)}.yaml`), runbookYaml(i));
  return { scenarioYaml: fleetScenarioYaml(n), runbooksDir };
}
