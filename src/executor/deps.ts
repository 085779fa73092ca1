/**
 * What the executor is built from — five cohesive parts, not one bag — and what `run` answers.
 */
import type { AuditEvent } from '../audit/record.js';
import type { RunbookVars } from '../config/index.js';
import type { Clock } from '../core/clock.js';
import type { Incident } from '../incidents/incident.js';
import type { IncidentRepository } from '../incidents/repository.js';
import type { Logger } from '../log/logger.js';
import type { Metrics } from '../metrics/registry.js';
import type { CooldownRecord } from '../policy/cooldown.js';
import type { StepRegistry } from '../steps/registry.js';
import type { StepClients } from '../steps/types.js';
import type { LeaseInfo, Store } from '../store/index.js';

/** Where a run's state lives: incidents, leases and effect markers, and the audit log. */
export interface RunRecords {
  repo: IncidentRepository;
  store: Store;
  /** The audit log (or a sink wrapping it); `append` must throw when the record was not stored. */
  audit: {
    append(event: AuditEvent): Promise<unknown>;
    read(filter: { incidentId: string }): Promise<{ action: string; details: Record<string, unknown> }[]>;
  };
}

/** What steps run with: their implementations, the clients they call, what runbooks may read. */
export interface StepWorld {
  registry: StepRegistry;
  clients: StepClients;
  /** Values for `{{ env.NAME }}`: RUNBOOK_VAR_* from the config, plus explicit extras. Nothing else. */
  vars: RunbookVars;
}

/** This replica's part in the fleet. */
export interface ReplicaSettings {
  /** This replica's name (pod name): lease owners are `<instanceId>:<incidentId>`. */
  instanceId: string;
  leaseTtlMs: number;
  /** Minimum time between live progress announcements (default 1 s). */
  progressIntervalMs?: number | undefined;
}

export interface Runtime {
  clock: Clock;
  log: Logger;
  metrics: Metrics;
}

/** What happens around a run. */
export interface RunHooks {
  /** After every step change (throttled for live lines): e.g. chat.update of the progress message. */
  onProgress?: ((incident: Incident) => Promise<unknown>) | undefined;
  /** Once the incident is succeeded, failed or cancelled: e.g. the postmortem. */
  onFinished?: ((incident: Incident) => Promise<unknown>) | undefined;
  /** Starts the service's cooldown when a rollback succeeds or fails (runbook cooldown settings). */
  cooldowns?: { start(record: CooldownRecord): Promise<void> } | undefined;
}

export interface ExecutorDeps {
  records: RunRecords;
  steps: StepWorld;
  replica: ReplicaSettings;
  runtime: Runtime;
  hooks?: RunHooks | undefined;
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
