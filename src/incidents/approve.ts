/**
 * Approve: one click becomes at most one approval (invariant 2). The lifecycle decides on a
 * snapshot (role, two-person rule, cooldown, freeze); the Deployment is checked for staleness
 * (invariant 5); transitions.ts stores the approval only after its audit record (invariant 1);
 * then — and only then — the executor starts. Fifty clicks on three replicas give one approval
 * and forty-nine "already approved by …" answers, each audited.
 */
import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import { asRollbotError } from '../core/errors.js';
import type { Metrics } from '../metrics/registry.js';
import type { Cooldowns } from '../policy/cooldown.js';
import type { Actors } from './actors.js';
import type { Incident, Person } from './incident.js';
import { type Refusal, transition } from './lifecycle.js';
import type { Audience, ExecutionStarter, Notifier } from './ports.js';
import type { IncidentRepository } from './repository.js';
import type { Supersede } from './supersede.js';
import type { Transitions } from './transitions.js';

export interface ApproveDeps {
  repo: IncidentRepository;
  transitions: Transitions;
  actors: Actors;
  supersede: Supersede;
  notifier: Notifier;
  cooldowns: Cooldowns;
  executor: ExecutionStarter;
  staleness: (incident: Incident) => Promise<{ stale: false } | { stale: true; reason: string }>;
  clock: Clock;
  metrics: Metrics;
  log: Logger;
}

export type ApprovalOutcome = 'approved' | 'partially_approved' | 'refused';

const STORE_DOWN = {
  what: 'Approval not recorded — nothing was changed',
  next: 'try again in a minute; if it persists, check Redis (/readyz shows its state)',
};

export class Approvals {
  constructor(private readonly d: ApproveDeps) {}

  async approve(incidentId: string, user: Person, to: Audience): Promise<ApprovalOutcome> {
    try {
      return await this.tryApprove(incidentId, user, to);
    } catch (err) {
      const e = asRollbotError(err);
      if (e.code !== 'store_unavailable') throw err;
      // Redis refused a read or the approval's own write (before any audit record or execution):
      // nothing happened, and the approver must hear it rather than see a silent button.
      this.d.log.error({ err, incidentId }, 'approval failed: the store is unavailable');
      this.d.metrics.refusals.inc({ reason: 'store_unavailable' });
      await this.d.notifier.tell(to, {
        ...STORE_DOWN,
        why: `rollbot could not store the approval (${e.message}); it never acts without its incident and audit records`,
      });
      return 'refused';
    }
  }

  private async refused(to: Audience, refusal: Refusal): Promise<ApprovalOutcome> {
    const down = refusal.reason === 'audit_unavailable';
    await this.d.notifier.tell(to, {
      what: down ? STORE_DOWN.what : 'Approval refused',
      why: refusal.message,
      next: refusal.next,
    });
    return 'refused';
  }

  private async tryApprove(incidentId: string, user: Person, to: Audience): Promise<ApprovalOutcome> {
    const { repo, transitions, actors, clock } = this.d;
    const incident = await repo.require(incidentId);
    // The cluster read for staleness overlaps the policy facts (Redis, cached Slack groups): it is
    // on the path from click to PATCH. A refused click merely wastes that read.
    const staleness = incident.state === 'proposed' ? this.d.staleness(incident) : undefined;
    staleness?.catch(() => undefined); // awaited below unless refused; never an unhandled rejection
    const { facts, actor } = await actors.resolve(user, incident);
    const event = { type: 'approve' as const, facts };
    // Decide on the snapshot first. A refusal there is final (closed incidents never reopen, and
    // roles do not change between two reads), so it is told without touching the incident; only an
    // approval that would be granted waits for the cluster and goes through the lock.
    const likely = transition(incident, event, actor, clock.now());
    if (!likely.ok) {
      await transitions.recordRefusal(incident, 'approve', actor, likely.refusal, likely.move);
      return this.refused(to, likely.refusal);
    }
    const stale = staleness ? await staleness : { stale: false as const };
    if (stale.stale) {
      await this.d.supersede.stale(incident, user, to, stale.reason);
      return 'refused';
    }
    const res = await transitions.apply(incidentId, event, actor);
    if (!res.ok) return this.refused(to, res.refusal);
    const approved = res.incident.state === 'approved';
    if (approved) {
      const now = clock.now();
      this.d.metrics.timeToApprove.observe({ service: incident.service }, (now - incident.createdAt) / 1000);
      // Only break-glass gets past a cooldown: a second rollback inside it is an oscillation.
      if (await this.d.cooldowns.active(incident.service, now).catch(() => null))
        this.d.metrics.oscillations.inc({ service: incident.service });
      this.d.executor.start(incidentId);
    }
    await this.d.notifier
      .refresh(res.incident)
      .catch((err) => this.d.log.warn({ err, incidentId }, 'could not refresh the message'));
    return approved ? 'approved' : 'partially_approved';
  }
}
