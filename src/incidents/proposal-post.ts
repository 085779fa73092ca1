/**
 * Posting proposal messages: once per incident across replicas (a claim in the store), re-posted by
 * a sweep when Slack refused the first post, and alert counters joined into an open incident.
 */
import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import type { Store } from '../store/index.js';
import type { AlertSummary, Incident } from './incident.js';
import type { AuditSink, Notifier } from './ports.js';
import type { IncidentRepository } from './repository.js';

/** How long one replica holds the right to post a proposal; a crashed poster's claim lapses. */
const POST_CLAIM_MS = 30_000;

export interface PosterDeps {
  repo: IncidentRepository;
  notifier: Notifier;
  audit: AuditSink;
  clock: Clock;
  log: Logger;
  /** Claims who posts a proposal message, so replicas (and the sweep) never post it twice. */
  store: Store;
}

export class ProposalPoster {
  constructor(private readonly d: PosterDeps) {}

  /** Posts (or re-posts, after a Slack failure) the proposal message and stores its ts. */
  async post(incident: Incident): Promise<Incident> {
    const claim = `proposal-post:${incident.id}`;
    try {
      // One poster at a time across replicas: the first post and a sweep must not both post.
      if (
        !(await this.d.store.set(claim, this.d.clock.now().toString(), {
          ifAbsent: true,
          ttlMs: POST_CLAIM_MS,
        }))
      )
        return incident;
    } catch (err) {
      this.d.log.error(
        { err, incidentId: incident.id },
        'could not claim the proposal post; the sweep retries',
      );
      return incident;
    }
    try {
      const current = (await this.d.repo.get(incident.id)) ?? incident;
      if (current.slack?.ts || current.state !== 'proposed') return current;
      const posted = await this.d.notifier.postProposal(current);
      const res = await this.d.repo.update(incident.id, (cur) => {
        cur.slack = { ts: posted.ts, permalink: posted.permalink };
        return cur;
      });
      if (incident.origin === 'command') {
        await this.d.audit.append({
          action: 'proposal.posted',
          actor: { type: 'system' },
          incidentId: incident.id,
          service: incident.service,
          details: { channel: incident.channel, ts: posted.ts },
        });
      }
      return res.incident;
    } catch (err) {
      // The incident is stored; sweepUnposted() re-posts proposals that have no message yet.
      this.d.log.error({ err, incidentId: incident.id }, 'could not post the proposal; will retry');
      await this.d.store.del(claim).catch(() => undefined);
      return incident;
    }
  }

  /** Re-posts open proposals whose message never reached Slack (run periodically by the app). */
  async sweepUnposted(): Promise<string[]> {
    const posted: string[] = [];
    for (const incident of await this.d.repo.active()) {
      if (incident.state !== 'proposed' || incident.slack?.ts) continue;
      const res = await this.post(incident);
      if (res.slack?.ts) posted.push(incident.id);
    }
    return posted;
  }

  /** Alerts joining an open incident: counters and links only (never a second proposal). */
  async joinAlerts(
    incidentId: string,
    merge: (cur: AlertSummary | undefined) => AlertSummary,
  ): Promise<Incident> {
    const res = await this.d.repo.update(incidentId, (cur) => {
      cur.alerts = merge(cur.alerts);
      return cur;
    });
    return res.incident;
  }
}
