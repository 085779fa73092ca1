/** What the executor is built from, and what `run` answers. */
import type { Octokit } from '@octokit/rest';
import type { AuditEvent } from '../audit/record.js';
import type { Clock } from '../core/clock.js';
import type { Incident } from '../incidents/incident.js';
import type { IncidentRepository } from '../incidents/repository.js';
import type { KubeGateway } from '../kube/index.js';
import type { Logger } from '../log/logger.js';
import type { Metrics } from '../metrics/registry.js';
import type { CooldownRecord } from '../policy/cooldown.js';
import type { SlackGateway } from '../slack/gateway.js';
import type { StepRegistry } from '../steps/registry.js';
import type { Env } from '../steps/interpolate.js';
import type { LeaseInfo, Store } from '../store/index.js';

export interface ExecutorDeps {
  repo: IncidentRepository;
  store: Store;
  /** The audit log (or a sink wrapping it); `append` must throw when the record was not stored. */
  audit: {
    append(event: AuditEvent): Promise<unknown>;
    read(filter: { incidentId: string }): Promise<{ action: string; details: Record<string, unknown> }[]>;
  };
  steps: StepRegistry;
  kube: KubeGateway;
  /** Absent: github.* steps fail with config_invalid. */
  github?: Octokit | undefined;
  slack: SlackGateway;
  fetch?: typeof fetch | undefined;
  prometheusUrl?: string | undefined;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  /** This replica's name (pod name): lease owners are `<instanceId>:<incidentId>`. */
  instanceId: string;
  leaseTtlMs: number;
  /** Values for `{{ env.NAME }}` (default: process.env). */
  env?: Env | undefined;
  /** Minimum time between live progress announcements (default 1 s). */
  progressIntervalMs?: number | undefined;
  /** After every step change (throttled for live lines): e.g. chat.update of the progress message. */
  onProgress?: ((incident: Incident) => Promise<unknown>) | undefined;
  /** Once the incident is succeeded, failed or cancelled: e.g. the postmortem. */
  onFinished?: ((incident: Incident) => Promise<unknown>) | undefined;
  /** Starts the service's cooldown when a rollback succeeds or fails (runbook cooldown settings). */
  cooldowns?: { start(record: CooldownRecord): Promise<void> } | undefined;
}

export type RunOutcome =
  /** Ran to the end: `incident.state` is succeeded, failed or cancelled. */
  | { status: 'finished'; incident: Incident }
  /** Another runner holds the service lease (invariant 3); `message` names it. */
  | { status: 'busy'; holder: LeaseInfo; message: string }
  /** Nothing to run (not approved/running, or this executor is stopping). */
  | { status: 'not_runnable'; incident?: Incident | undefined; message: string }
  /** Stopped early and left `running` for a resume: lost lease, shutdown, audit unavailable. */
  | { status: 'interrupted'; incident: Incident; reason: string };
