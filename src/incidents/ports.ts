import type { RollbotError } from '../core/errors.js';
import type { Runbook } from '../runbooks/schema.js';
import type { Incident, IncidentPlan, RevisionInfo } from './incident.js';
import type { Suspect } from './suspects.js';

/**
 * What the incident domain needs from the outside world, as interfaces. Adapters implement them
 * (src/planning over Kubernetes and GitHub, src/slack for messages, src/executor for running);
 * the domain never imports those adapters.
 */
export interface Planner {
  /**
   * What a rollback would do. A default request (no `to`) passes over `suspects`; an explicit one
   * may target a suspect, and the plan marks it (`targetSuspect`).
   */
  plan(
    runbook: Runbook,
    target: { namespace: string; deployment: string },
    request: Incident['request'],
    suspects?: readonly Suspect[],
    /** What the proposal is about, for a revert pull request's description (runbook gitops:). */
    about?: { reason?: string | undefined; alert?: string | undefined; requester?: string | undefined },
  ): Promise<IncidentPlan>;
  /** The revision live right now (to record it as suspect when an alert fires). */
  live(target: { namespace: string; deployment: string }): Promise<RevisionInfo>;
  /** Whether the Deployment moved since the plan (new revision or template): approval must refuse. */
  staleness(plan: IncidentPlan): Promise<{ stale: false } | { stale: true; reason: string }>;
}

/** Where a reply to a person goes: ephemeral in a channel, or via the interaction's response_url. */
export interface Audience {
  channel: string;
  user: string;
  respond?: ((message: { text: string; blocks?: any[] | undefined }) => Promise<void>) | undefined;
}

export interface Notifier {
  /** Posts the proposal in the incident's channel; returns its ts (stored on the incident). */
  postProposal(incident: Incident): Promise<{ ts: string; permalink?: string | undefined }>;
  /** Re-renders the incident's message in place (proposal, progress or result by state). */
  refresh(incident: Incident): Promise<void>;
  /** A line in the incident's thread. */
  thread(incident: Incident, text: string): Promise<void>;
  /** A private reply to one person: what happened, why, what next. */
  tell(
    to: Audience,
    message: { what: string; why?: string | undefined; next?: string | undefined },
  ): Promise<void>;
  /** An alert its runbook handles but no proposal could be made for (why, what next), in `channel`. */
  cannotPropose(channel: string, summary: string, err: RollbotError): Promise<void>;
  /**
   * The fallback channel's message for one group of alerts no runbook handles: posted when `ts` is
   * absent, else edited in place. Returns its ts, or undefined when no fallback channel is set.
   */
  fallback(group: UnroutedGroupInfo, ts?: string): Promise<string | undefined>;
}

export interface UnroutedAlertInfo {
  /** fingerprint@startsAt */
  identity: string;
  status: 'firing' | 'resolved';
  summary: string;
  labels: Record<string, string>;
  startsAt: string;
  endsAt?: string | undefined;
  links: {
    generatorURL?: string | undefined;
    dashboardURL?: string | undefined;
    runbookURL?: string | undefined;
    silenceURL?: string | undefined;
  };
}

export interface UnroutedGroupInfo {
  groupKey: string;
  source: string;
  /** Why no runbook took it (routing's reason). */
  reason: string;
  alerts: UnroutedAlertInfo[];
  updatedAt: number;
}

export interface Directory {
  /** Members of a Slack user group, or undefined when unknown (free plan, missing scope). */
  groupMembers(groupId: string): Promise<string[] | undefined>;
  displayName(userId: string): Promise<string | undefined>;
}

export interface ExecutionStarter {
  /** Starts (or resumes) executing an approved incident in the background. */
  start(incidentId: string): void;
}

export interface AuditSink {
  append(event: {
    action: string;
    actor:
      { type: 'user'; id: string; name?: string | undefined } | { type: 'system'; name?: string | undefined };
    incidentId?: string | undefined;
    service?: string | undefined;
    details?: Record<string, unknown> | undefined;
  }): Promise<unknown>;
  /** Records of one incident, oldest first (resolving a stale transition lock reads them). */
  read(filter: { incidentId: string }): Promise<{ action: string; details: Record<string, unknown> }[]>;
}
