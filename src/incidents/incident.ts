/**
 * The incident: one proposed (and maybe executed) rollback of one service. Stored as one JSON
 * document; every change is a compare-and-set on that document (see repository.ts), which is what
 * makes approval exactly-once across replicas. Plain data only: no clients, no Slack, no HTTP.
 */
export type IncidentState =
  | 'proposed' // posted, waiting for approval
  | 'approved' // approval won the CAS; execution not started yet
  | 'running' // the executor holds the service lease and runs steps
  | 'succeeded'
  | 'failed'
  | 'cancelled'
  | 'dismissed'
  | 'expired'; // proposal TTL passed, or superseded by a fresh proposal (stale plan)

export const OPEN_STATES: readonly IncidentState[] = ['proposed', 'approved', 'running'];
export const FINAL_STATES: readonly IncidentState[] = [
  'succeeded',
  'failed',
  'cancelled',
  'dismissed',
  'expired',
];

export interface Person {
  id: string;
  name?: string | undefined;
}

export interface RevisionInfo {
  revision: number;
  images: string[];
  changeCause?: string | undefined;
  createdAt?: string | undefined;
}

export interface CommitInfo {
  sha: string;
  message: string;
  author?: string | undefined;
  url?: string | undefined;
}

export interface IncidentPlan {
  namespace: string;
  deployment: string;
  /** What the Deployment looked like when planned; approval compares these to detect staleness. */
  resourceVersion?: string | undefined;
  templateHash?: string | undefined;
  current: RevisionInfo;
  target: RevisionInfo | null;
  /** Name of the target ReplicaSet: identifies the target even after the undo renumbers it. */
  targetReplicaSet?: string | undefined;
  /** Why there is no target (pruned, no history…): the proposal then offers no Approve. */
  targetMissingReason?: string | undefined;
  /** kubectl would skip: the target already runs. */
  noop?: string | undefined;
  commits: CommitInfo[];
  /** e.g. "12 more commits not shown", "no repository configured", "compare failed: …". */
  commitsNote?: string | undefined;
  compareUrl?: string | undefined;
}

export interface AlertSummary {
  /** Distinct alerts (fingerprint + start) in this incident. */
  count: number;
  /** Notifications received, re-sends included (Alertmanager repeats groups). */
  deliveries: number;
  firing: number;
  /** `${fingerprint}@${startsAt}` identities seen (capped). */
  keys: string[];
  groupKeys: string[];
  firstAt: number;
  lastAt: number;
  summary: string;
  labels: Record<string, string>;
  links: {
    generatorURL?: string | undefined;
    dashboardURL?: string | undefined;
    runbookURL?: string | undefined;
  };
  resolvedAt?: number | undefined;
}

export type StepStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped';

export interface StepRecord {
  id: string;
  type: string;
  phase: 'steps' | 'verification';
  status: StepStatus;
  attempts: number;
  startedAt?: number | undefined;
  finishedAt?: number | undefined;
  /** One line for the progress message. */
  summary?: string | undefined;
  /** Structured output (kept small). */
  output?: Record<string, unknown> | undefined;
  error?: { code: string; message: string; hint?: string | undefined } | undefined;
}

export interface RunbookSnapshot {
  name: string;
  version: string;
  sha256: string;
  source: Record<string, unknown>;
  /** The parsed runbook frozen at proposal time: editing the file later changes nothing here. */
  spec: unknown;
}

export interface Incident {
  id: string;
  service: string;
  state: IncidentState;
  origin: 'alert' | 'command';
  createdAt: number;
  updatedAt: number;
  requester?: Person | undefined;
  reason?: string | undefined;
  emergency?: boolean | undefined;
  request: { toRevision?: number | undefined; toImageTag?: string | undefined };
  runbook: RunbookSnapshot;
  channel: string;
  plan: IncidentPlan;
  alerts?: AlertSummary | undefined;
  slack?: { ts: string; permalink?: string | undefined } | undefined;
  approvals: (Person & { at: number; breakGlass?: boolean })[];
  approvedAt?: number | undefined;
  closedBy?: Person | undefined;
  closeReason?: string | undefined;
  supersededBy?: string | undefined;
  execution?:
    | {
        owner?: string | undefined;
        startedAt?: number | undefined;
        finishedAt?: number | undefined;
        steps: StepRecord[];
        cancelRequested?: (Person & { at: number }) | undefined;
        failure?: { step?: string | undefined; message: string; hint?: string | undefined } | undefined;
        resumedCount?: number | undefined;
        rolloutCompleteAt?: number | undefined;
        recoveredAt?: number | undefined;
      }
    | undefined;
  postmortem?: { url?: string | undefined; postedAt?: number | undefined } | undefined;
}

export function isOpen(incident: Incident): boolean {
  return OPEN_STATES.includes(incident.state);
}
