/**
 * What a step implementation gets and returns. The executor builds one `StepContext` per
 * attempt: params already interpolated, a signal that fires on timeout / cancel / shutdown, and
 * the adapters the step may use. Steps are idempotent: running one twice converges.
 */
import type { Octokit } from '@octokit/rest';
import type { Clock } from '../core/clock.js';
import type { Incident } from '../incidents/incident.js';
import type { KubeGateway } from '../kube/index.js';
import type { Logger } from '../log/logger.js';
import type { SlackGateway } from '../slack/gateway.js';
import type { InternalStepType, StepType } from '../runbooks/steps-schema.js';
import type { EffectLedger } from './effects.js';

/** The external APIs a step may call, each through its one client. */
export interface StepClients {
  kube: KubeGateway;
  /** Undefined when GitHub is not configured; use `requireGithub(ctx)`. */
  github: Octokit | undefined;
  slack: SlackGateway;
  fetch: typeof fetch;
  /** Default Prometheus for `prometheus.check` (PROMETHEUS_URL). */
  prometheusUrl?: string | undefined;
  /** Alertmanager for a runbook's `silence:` (ALERTMANAGER_URL). */
  alertmanagerUrl?: string | undefined;
}

export interface StepContext<P = unknown> extends StepClients {
  incident: Incident;
  /** The step's id in the runbook (stable across resumes). */
  stepId: string;
  /** The step's `with`, placeholders filled in. */
  params: P;
  clock: Clock;
  log: Logger;
  /** Aborts on step timeout, cancellation or shutdown; pass it to every wait and request. */
  signal: AbortSignal;
  /** One live line for the progress message ("2 of 3 updated replicas are available"). */
  progress(summary: string): void;
  /** Exactly-once bookkeeping for effects that are not idempotent by themselves (posts, issues). */
  effects: EffectLedger;
}

export interface StepResult {
  summary: string;
  output?: Record<string, unknown> | undefined;
  /** Nothing to do: the desired state already held (e.g. the target template already runs). */
  skipped?: boolean | undefined;
}

export interface StepImplementation<P = any> {
  type: StepType | InternalStepType;
  /** Timeout when the runbook gives none (the runbook's own timeout still bounds it). */
  defaultTimeoutMs(params: P): number;
  /**
   * Steps with no side effect on the world (waits, checks) may be abandoned mid-way by a
   * cancellation; the others always run to the end of the attempt.
   */
  readOnly: boolean;
  run(ctx: StepContext<P>): Promise<StepResult>;
}
