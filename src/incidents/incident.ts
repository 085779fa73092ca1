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
  | 'superseded' // replaced by a fresh proposal (stale plan, or a request that can be approved)
  | 'expired'; // proposal TTL passed unapproved

/** Every state, in lifecycle order (lifecycle.ts holds the moves between them). */
export const STATES: readonly IncidentState[] = [
  'proposed',
  'approved',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'dismissed',
  'superseded',
  'expired',
];
export const OPEN_STATES: readonly IncidentState[] = ['proposed', 'approved', 'running'];

export interface Person {
  id: string;
  name?: string | undefined;
}

export interface RevisionInfo {
  revision: number;
  images: string[];
  changeCause?: string | undefined;
  createdAt?: string | undefined;
  /** Content hash of the pod template (kube/template.ts): how a suspect revision is recognised. */
  templateHash?: string | undefined;
}

/** Why a revision is suspect: it was live when this alert fired (suspects.ts). */
export interface SuspectMark {
  alert: string;
  at: number;
}

/** A revision on-call could name with `/rollback <service> to N` (shown when a request cannot be approved). */
export interface RevisionChoice extends RevisionInfo {
  suspect?: SuspectMark | undefined;
}

export interface CommitInfo {
  sha: string;
  message: string;
  author?: string | undefined;
  url?: string | undefined;
}

/**
 * Who else deploys this Deployment (src/gitops/detect.ts) and what that means for `kubectl rollout
 * undo`: a GitOps controller puts its source of truth back, Helm keeps a release record that drifts.
 */
export interface ManagerInfo {
  kind: 'argocd' | 'flux' | 'helm';
  /** e.g. "Argo CD (app payments-api)", "Flux (Kustomization flux-system/apps)". */
  title: string;
  /** Application, Kustomization, HelmRelease or Helm release name. */
  name: string;
  namespace?: string | undefined;
  /** The label or annotation it was recognised by. */
  evidence: string;
  /** The manager reconciles the live object back to its source (self-heal, drift correction). */
  reconciles: boolean;
  /** What the plan makes of a kubectl undo: refused, allowed with a drift warning, or not used. */
  undo: 'refused' | 'drift' | 'drift-allowed' | 'not-used';
  /** The reason and the fix (refused), or the warning (drift). */
  message?: string | undefined;
}

/**
 * The GitOps path (src/gitops/revert.ts): the config-repo commit that moved the image to the bad
 * tag, and the revert prepared at plan time — a branch with one commit setting the tag back, and a
 * pull request. Approval merges it (or waits for a person to); the controller then syncs.
 */
export interface GitopsPlan {
  repo: string;
  path: string;
  /** Branch the controller syncs from. */
  ref: string;
  merge: 'auto' | 'human';
  image: string;
  fileKind: 'kustomization' | 'helm-values' | 'manifest';
  fromTag: string;
  toTag: string;
  /** `ref`'s head when planned: the revert is cut from it; approval refuses if it moved. */
  baseSha: string;
  culprit: CommitInfo & { date?: string | undefined };
  branch: string;
  commitSha: string;
  pr: { number: number; url: string; title: string };
  /** What the base branch's protection asks before a merge (when rollbot may read it). */
  protection?: { requiredReviews: number; requiredChecks: string[] } | undefined;
  /** Who must merge, in words, for the proposal. */
  mergers: string;
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
  /** The target was named explicitly although it is suspect: the proposal says why. */
  targetSuspect?: SuspectMark | undefined;
  /** Newer revisions passed over because they are suspect (never proposed by default). */
  skippedSuspects?: RevisionChoice[] | undefined;
  /** Every revision in the history but the current one, newest first (capped). */
  choices?: RevisionChoice[] | undefined;
  commits: CommitInfo[];
  /** e.g. "12 more commits not shown", "no repository configured", "compare failed: …". */
  commitsNote?: string | undefined;
  compareUrl?: string | undefined;
  /** Set when a GitOps controller or Helm manages the Deployment (src/gitops). */
  managedBy?: ManagerInfo | undefined;
  /** Set when the runbook rolls back through the config repository (runbook `gitops:`). */
  gitops?: GitopsPlan | undefined;
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
  /** After a dismissal: re-sends of this incident's alerts stay quiet until then. */
  quietUntil?: number | undefined;
  /** An alert-born proposal the request gate refused (freeze, cooldown): shown on it, no Approve. */
  blocked?:
    { reason: string; message: string; what?: string | undefined; until?: number | undefined } | undefined;
  /** A transition whose audit record is being written (transitions.ts); nothing else moves meanwhile. */
  lock?: TransitionLock | undefined;
  /** Id of the last transition applied (its audit record carries the same id). */
  lastTransition?: string | undefined;
  execution?:
    | {
        owner?: string | undefined;
        startedAt?: number | undefined;
        finishedAt?: number | undefined;
        steps: StepRecord[];
        cancelRequested?: (Person & { at: number }) | undefined;
        /** How a cancelled run left the cluster, in words (lifecycle.ts describeStop). */
        stopped?: StopSummary | undefined;
        failure?: { step?: string | undefined; message: string; hint?: string | undefined } | undefined;
        resumedCount?: number | undefined;
        rolloutCompleteAt?: number | undefined;
        recoveredAt?: number | undefined;
      }
    | undefined;
  postmortem?: { url?: string | undefined; postedAt?: number | undefined } | undefined;
}

/** What a cancelled run did before it stopped: the same words go to the message, audit and postmortem. */
export interface StopSummary {
  /** The Deployment was changed (the undo applied) before the stop. */
  changedCluster: boolean;
  summary: string;
  next: string;
}

export interface TransitionLock {
  id: string;
  at: number;
  event: string;
  /** The fields the transition sets once its audit record is stored. */
  changes: IncidentChanges;
  /** The audit record being written (re-checked by recovery after a crash). */
  audit: { action: string; actor: AuditActorRef; details: Record<string, unknown> };
}

export type AuditActorRef =
  { type: 'user'; id: string; name?: string | undefined } | { type: 'system'; name?: string | undefined };

type Execution = NonNullable<Incident['execution']>;

/** Top-level fields a transition replaces; `execution` fields are merged one level deep. */
export type IncidentChanges = Partial<
  Omit<Incident, 'id' | 'service' | 'execution' | 'lock' | 'runbook' | 'plan'>
> & { execution?: Partial<Execution> | undefined };

export function withChanges(incident: Incident, changes: IncidentChanges): Incident {
  const { execution, ...top } = changes;
  const next: Incident = { ...incident, ...top };
  if (execution) next.execution = { ...(incident.execution ?? { steps: [] }), ...execution };
  return next;
}

export function isOpen(incident: Incident): boolean {
  return OPEN_STATES.includes(incident.state);
}
