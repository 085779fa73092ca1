/**
 * Everything the postmortem template needs, as plain data: the caller (the incident flow) maps
 * its incident, plan, step results and audit timeline onto this. Times are ISO strings or Dates.
 */
import type { AuditRecord } from '../audit/index.js';

export type Instant = string | Date;

export interface Person {
  id: string;
  name?: string;
}

export interface RevisionInfo {
  revision?: number | string;
  image?: string;
  changeCause?: string;
}

export interface RevertedCommit {
  sha: string;
  message: string;
  author?: string;
  url?: string;
}

export interface StepResult {
  id: string;
  type: string;
  status: 'succeeded' | 'failed' | 'skipped' | 'cancelled' | 'pending' | 'running';
  durationMs?: number;
  /** One or two lines: what the step saw or did. */
  output?: string;
}

export interface VerificationResult {
  name: string;
  passed: boolean;
  detail?: string;
  at?: Instant;
}

export interface PostmortemInput {
  incidentId: string;
  service: string;
  namespace: string;
  deployment: string;
  cluster?: string;
  result: 'succeeded' | 'failed' | 'cancelled';
  failureReason?: string;
  /** A cancelled run: who stopped it, what it had done (same words as the message and audit), what next. */
  stopped?: { by?: Person; summary: string; next: string; changedCluster: boolean };
  alert?: {
    name: string;
    summary?: string;
    severity?: string;
    source?: string;
    labels?: Record<string, string>;
    links?: { title: string; url: string }[];
  };
  times: {
    alertFirstSeen?: Instant;
    proposalPosted?: Instant;
    approved?: Instant;
    executionStarted?: Instant;
    rolloutComplete?: Instant;
    verificationPassed?: Instant;
    recovered?: Instant;
    finished?: Instant;
  };
  requester?: Person;
  approvers: Person[];
  breakGlass?: boolean;
  reverted: {
    from: RevisionInfo;
    to: RevisionInfo;
    commits?: RevertedCommit[];
    compareUrl?: string;
  };
  runbook: { name: string; version?: string; sha256?: string; source?: string };
  steps: StepResult[];
  verification: VerificationResult[];
  /** The incident's audit records, oldest first. */
  timeline: AuditRecord[];
  /** Where the incident was handled, e.g. the Slack thread permalink. */
  threadUrl?: string;
}
