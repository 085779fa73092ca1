/**
 * Superseding: a proposal retired in favour of a fresh one. On Approve, when the Deployment moved
 * since the proposal (invariant 5), the approver is refused as stale and a fresh plan — made from
 * the Deployment as it is now, never targeting a suspect revision — is posted in its place.
 */
import type { Logger } from 'pino';
import type { Runbook } from '../runbooks/schema.js';
import { rollbot } from './actors.js';
import { describeState } from './describe.js';
import type { Incident, Person } from './incident.js';
import type { Audience, AuditSink, Notifier } from './ports.js';
import type { Proposals } from './proposals.js';
import type { IncidentRepository } from './repository.js';
import type { Transitions } from './transitions.js';

export interface SupersedeDeps {
  repo: IncidentRepository;
  transitions: Transitions;
  proposals: Proposals;
  notifier: Notifier;
  audit: AuditSink;
  log: Logger;
}

export class Supersede {
  constructor(private readonly d: SupersedeDeps) {}

  /** The approver's click met a stale plan: retire the proposal, tell them, post a fresh one. */
  async stale(incident: Incident, user: Person, to: Audience, reason: string): Promise<void> {
    const retired = await this.d.transitions.apply(
      incident.id,
      { type: 'supersede', reason: `stale plan: ${reason}` },
      rollbot(),
    );
    // Lost to another click: the Deployment moved because that approval's rollback already ran.
    const refusal = retired.ok
      ? {
          reason: 'stale_plan',
          message: `The plan is stale: ${reason}.`,
          next: 'A fresh proposal is being posted; review and approve that one.',
        }
      : { reason: 'not_proposed', message: describeState(retired.incident), next: undefined };
    await this.d.audit
      .append({
        action: 'approval.refused',
        actor: { type: 'user', id: user.id, ...(user.name !== undefined ? { name: user.name } : {}) },
        incidentId: incident.id,
        service: incident.service,
        details: { reason: refusal.reason, message: refusal.message },
      })
      .catch((err) => this.d.log.error({ err, incidentId: incident.id }, 'could not audit a refusal'));
    await this.d.notifier.tell(to, { what: 'Approval refused', why: refusal.message, next: refusal.next });
    if (!retired.ok) return;
    await this.d.notifier
      .refresh(retired.incident)
      .catch((err) => this.d.log.warn({ err }, 'could not refresh'));
    const fresh = await this.d.proposals.open({
      loaded: {
        runbook: incident.runbook.spec as Runbook,
        file: '',
        sha256: incident.runbook.sha256,
        source: incident.runbook.source as never,
      },
      target: { namespace: incident.plan.namespace, deployment: incident.plan.deployment },
      origin: incident.origin,
      requester: incident.requester,
      reason: incident.reason,
      emergency: incident.emergency,
      request: incident.request,
      alerts: incident.alerts,
    });
    if (fresh.kind === 'created' || fresh.kind === 'joined') {
      const res = await this.d.repo.update(incident.id, (cur) => ({
        ...cur,
        supersededBy: fresh.incident.id,
      }));
      await this.d.notifier
        .refresh(res.incident)
        .catch((err) => this.d.log.warn({ err }, 'could not refresh'));
    }
  }
}
