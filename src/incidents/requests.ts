/**
 * The `/rollback` use case, whatever chat it was typed in: route the request to the service's
 * runbook, open (or join) its proposal, answer status/history, prepare a cancel. It answers with
 * plain outcomes; the Slack adapter (slack/commands.ts) only parses the text and renders these.
 */
import type { Clock } from '../core/clock.js';
import type { RunbookRegistry } from '../runbooks/registry.js';
import { resolveTarget } from '../runbooks/registry.js';
import type { CancelPreview, Closures } from './close.js';
import type { Incident, IncidentPlan, Person } from './incident.js';
import type { Proposals } from './proposals.js';
import type { IncidentRepository } from './repository.js';

/** What was asked, as the grammar read it. */
export type RollbackCommand =
  | {
      kind: 'rollback';
      service: string;
      toRevision?: number | undefined;
      toImageTag?: string | undefined;
      emergency: boolean;
      reason?: string | undefined;
    }
  | { kind: 'status'; service?: string | undefined }
  | { kind: 'history'; service: string }
  | { kind: 'cancel'; service: string }
  | { kind: 'help' };

export interface HistoryRevision {
  revision: number;
  changeCause?: string | undefined;
  images: string[];
  createdAt?: string | undefined;
  current: boolean;
}

export type RequestOutcome =
  | { kind: 'help'; services: string[] }
  | { kind: 'unknown_service'; service: string; services: string[] }
  | { kind: 'status'; incidents: Incident[]; now: number }
  | { kind: 'history'; service: string; revisions: HistoryRevision[]; now: number }
  | { kind: 'cannot'; what: string; why: string; next?: string | undefined }
  | { kind: 'refused'; reason: string; message: string }
  /** Nothing could approve what was asked (no such target, it is what runs): why, and what could be. */
  | { kind: 'unapprovable'; service: string; request: Incident['request']; plan: IncidentPlan; now: number }
  | { kind: 'posted'; incident: Incident }
  | { kind: 'waiting'; incident: Incident; now: number; reason?: string | undefined }
  | { kind: 'in_progress'; incident: Incident; holder?: string | undefined }
  | { kind: 'cancel'; preview: CancelPreview };

export interface RequestDeps {
  registry: () => RunbookRegistry;
  proposals: Proposals;
  closures: Closures;
  repo: IncidentRepository;
  /** The Deployment's rollout history (kubectl rollout history): revision, change cause, images. */
  history: (
    namespace: string,
    deployment: string,
  ) => Promise<
    { revision: number; changeCause?: string | undefined; images: string[]; createdAt?: string | undefined }[]
  >;
  leaseHolder: (service: string) => Promise<string | undefined>;
  clock: Clock;
}

export class RollbackRequests {
  constructor(private readonly d: RequestDeps) {}

  async handle(command: RollbackCommand, user: Person): Promise<RequestOutcome> {
    const registry = this.d.registry();
    const now = this.d.clock.now();
    const unknown = (service: string): RequestOutcome => ({
      kind: 'unknown_service',
      service,
      services: registry.services(),
    });
    switch (command.kind) {
      case 'help':
        return { kind: 'help', services: registry.services() };
      case 'status': {
        if (command.service && !registry.forService(command.service)) return unknown(command.service);
        const active = (await this.d.repo.active()).filter(
          (i) => !command.service || i.service === command.service,
        );
        return { kind: 'status', incidents: active, now };
      }
      case 'history': {
        const loaded = registry.forService(command.service);
        if (!loaded) return unknown(command.service);
        const target = resolveTarget(loaded.runbook, {});
        if (!target.ok) return { kind: 'cannot', what: 'No Deployment to show', why: target.reason };
        const entries = await this.d.history(target.target.namespace, target.target.deployment);
        // The Deployment's revision is its newest ReplicaSet's (the controller keeps them equal).
        const current = Math.max(0, ...entries.map((e) => e.revision));
        const revisions = entries.map((e) => ({ ...e, current: e.revision === current }));
        return { kind: 'history', service: command.service, revisions, now };
      }
      case 'cancel':
        if (!registry.forService(command.service)) return unknown(command.service);
        return { kind: 'cancel', preview: await this.d.closures.preview(command.service, user) };
      case 'rollback':
        return this.rollback(command, user, registry);
    }
  }

  private async rollback(
    command: Extract<RollbackCommand, { kind: 'rollback' }>,
    user: Person,
    registry: RunbookRegistry,
  ): Promise<RequestOutcome> {
    const loaded = registry.forService(command.service);
    if (!loaded) return { kind: 'unknown_service', service: command.service, services: registry.services() };
    if (command.emergency && !loaded.runbook.approval.breakGlass) {
      return {
        kind: 'cannot',
        what: 'No break-glass path for this service',
        why: `runbook ${loaded.runbook.name} names no break-glass approvers`,
        next: `request a normal rollback: \`/rollback ${command.service}\``,
      };
    }
    const target = resolveTarget(loaded.runbook, {});
    if (!target.ok)
      return {
        kind: 'cannot',
        what: 'Cannot tell which Deployment to roll back',
        why: target.reason,
        next: 'add a `default:` to the runbook target',
      };
    const outcome = await this.d.proposals.open({
      loaded,
      target: target.target,
      origin: 'command',
      requester: user,
      reason: command.reason,
      emergency: command.emergency,
      request: { toRevision: command.toRevision, toImageTag: command.toImageTag },
    });
    if (outcome.kind === 'refused')
      return { kind: 'refused', reason: outcome.reason, message: outcome.message };
    if (outcome.kind === 'unapprovable')
      return {
        kind: 'unapprovable',
        service: command.service,
        request: { toRevision: command.toRevision, toImageTag: command.toImageTag },
        plan: outcome.plan,
        now: this.d.clock.now(),
      };
    const incident = outcome.incident;
    if (outcome.kind === 'created') return { kind: 'posted', incident };
    if (incident.state === 'running' || incident.state === 'approved')
      return { kind: 'in_progress', incident, holder: await this.d.leaseHolder(incident.service) };
    return { kind: 'waiting', incident, now: this.d.clock.now(), reason: command.reason };
  }
}
