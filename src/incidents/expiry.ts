/**
 * The lifecycle's own clock: proposals past their TTL move to `expired` (their message says so and
 * the service is free for a fresh proposal), and transition locks whose holder died are resolved
 * (transitions.ts). Run periodically by the composition root on every replica; the lifecycle's
 * compare-and-set makes concurrent sweeps harmless.
 */
import type { Logger } from 'pino';
import type { Runbook } from '../runbooks/schema.js';
import { rollbot } from './actors.js';
import type { Notifier } from './ports.js';
import type { IncidentRepository } from './repository.js';
import type { Transitions } from './transitions.js';

export class Expiry {
  constructor(
    private readonly d: {
      repo: IncidentRepository;
      transitions: Transitions;
      notifier: Notifier;
      log: Logger;
    },
  ) {}

  /** Expires what is due; returns the ids expired. */
  async sweep(now: number): Promise<string[]> {
    const active = await this.d.repo.active();
    await this.d.transitions.recoverStale(active);
    const expired: string[] = [];
    for (const incident of active) {
      const ttl = (incident.runbook.spec as Runbook).approval.proposalTtl;
      if (incident.state !== 'proposed' || now <= incident.createdAt + ttl) continue;
      const res = await this.d.transitions.apply(incident.id, { type: 'expire' }, rollbot());
      if (!res.ok) continue;
      expired.push(incident.id);
      await this.d.notifier
        .refresh(res.incident)
        .catch((err) =>
          this.d.log.warn({ err, incidentId: incident.id }, 'could not update an expired proposal'),
        );
    }
    return expired;
  }
}
