/**
 * Makes the moves lifecycle.ts decides, in one way for every move (invariant 1: no action without
 * an audit record):
 *
 *   1. claim  — a compare-and-set puts a lock on the incident holding the decided changes and
 *               audit record; a second mover (another click, another replica) waits for it;
 *   2. audit  — the record is appended (carrying the lock id as `details.transition`);
 *   3. apply  — a compare-and-set stores the changes and drops the lock.
 *
 * Until step 3 the incident keeps its old state: an approval whose audit write is pending is not
 * `approved`, so the executor sweep cannot run it. If the audit write fails the lock is dropped and
 * nothing changed. A lock older than LOCK_STALE_MS (its holder died between the steps) is resolved
 * by whoever meets it next: applied if its audit record exists, dropped if not. A holder that finds
 * its lock resolved without it after writing the record says so with `transition.voided`.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import { RollbotError, asRollbotError } from '../core/errors.js';
import type { Metrics } from '../metrics/registry.js';
import { type Incident, type TransitionLock, withChanges } from './incident.js';
import { type Actor, type IncidentEvent, type Move, type Refusal, transition } from './lifecycle.js';
import type { AuditSink } from './ports.js';
import type { IncidentRepository } from './repository.js';

export const LOCK_STALE_MS = 15_000;
/** 10, 20, 40 … ms up to 200, with jitter: waiters on a lock must not crowd the store. */
const backoff = (poll: number) => Math.min(200, 10 * 2 ** Math.min(poll, 5)) * (0.5 + Math.random() / 2);
/** Bounds the wait by count too, so a clock that stands still (tests) cannot wait forever. */
const MAX_POLLS = 500;

export interface TransitionDeps {
  repo: IncidentRepository;
  audit: AuditSink;
  clock: Clock;
  log: Logger;
  metrics?: Metrics | undefined;
}

export type Applied =
  | { ok: true; incident: Incident; move: Move; record: TransitionLock['audit'] }
  | { ok: false; incident: Incident; move?: Move | undefined; refusal: Refusal };

export class Transitions {
  constructor(private readonly d: TransitionDeps) {}

  /**
   * Decides and makes one move. `fence` is an extra condition on the stored incident (the
   * executor's owner token): when it fails, the move is refused as `fenced`.
   */
  async apply(
    incidentId: string,
    event: IncidentEvent,
    actor: Actor,
    opts: { fence?: ((cur: Incident) => boolean) | undefined } = {},
  ): Promise<Applied> {
    const { repo, clock } = this.d;
    for (let poll = 0; poll < MAX_POLLS; poll++) {
      const now = clock.now();
      // A locked incident is waited on with a plain read (no write attempt), backing off.
      const seen = poll === 0 ? undefined : await repo.require(incidentId);
      if (seen?.lock) {
        if (now - seen.lock.at > LOCK_STALE_MS) await this.recover(seen);
        else await clock.sleep(backoff(poll));
        continue;
      }
      let refused: Extract<Applied, { ok: false }> | undefined;
      let lock: TransitionLock | undefined;
      let move: Move | undefined;
      const claimed = await repo.update(incidentId, (cur) => {
        refused = undefined;
        if (cur.lock) return null;
        if (opts.fence && !opts.fence(cur)) return ((refused = fencedRefusal(cur)), null);
        const decision = transition(cur, event, actor, now);
        if (!decision.ok)
          return (
            (refused = { ok: false, incident: cur, move: decision.move, refusal: decision.refusal }),
            null
          );
        move = decision.move;
        lock = {
          id: `tr-${randomBytes(6).toString('hex')}`,
          at: now,
          event: event.type,
          changes: decision.changes,
          audit: { ...decision.audit, details: { ...decision.audit.details } },
        };
        lock.audit.details['transition'] = lock.id;
        return { ...cur, lock };
      });
      if (refused) return this.refused(refused, event, actor);
      if (claimed.ok && lock && move) return this.complete(claimed.incident, lock, move);
      await clock.sleep(backoff(poll));
    }
    throw new RollbotError('conflict', `incident ${incidentId} stayed locked by another change`, {
      hint: 'retry in a moment; if it persists, the audit log may be unreachable (/readyz)',
    });
  }

  /** Steps 2 and 3 for a claimed lock. */
  private async complete(claimed: Incident, lock: TransitionLock, move: Move): Promise<Applied> {
    const { repo, audit, log } = this.d;
    try {
      await audit.append({ ...lock.audit, incidentId: claimed.id, service: claimed.service });
    } catch (err) {
      await repo
        .update(claimed.id, (cur) => (cur.lock?.id === lock.id ? { ...cur, lock: undefined } : null))
        .catch((e) =>
          log.error({ err: e, incidentId: claimed.id }, 'could not drop an unaudited lock; it goes stale'),
        );
      const e = asRollbotError(err);
      this.d.metrics?.refusals.inc({ reason: 'audit_unavailable' });
      return {
        ok: false,
        incident: claimed,
        refusal: {
          reason: 'audit_unavailable',
          message: `the audit log could not be written (${e.message}); rollbot never acts without an audit record, so nothing was changed`,
          next: 'try again in a minute; if it persists, check Redis (/readyz shows its state)',
        },
      };
    }
    const done = await repo.update(claimed.id, (cur) =>
      cur.lock?.id === lock.id
        ? { ...withChanges(cur, lock.changes), lock: undefined, lastTransition: lock.id }
        : null,
    );
    if (done.ok || done.incident.lastTransition === lock.id)
      return { ok: true, incident: done.incident, move, record: lock.audit };
    // Our lock went stale and was dropped while the record was being written: the record stands,
    // the change does not. Say so on the record, once.
    await audit
      .append({
        action: 'transition.voided',
        actor: { type: 'system' },
        incidentId: claimed.id,
        service: claimed.service,
        details: {
          transition: lock.id,
          action: lock.audit.action,
          why: `recording took longer than ${LOCK_STALE_MS} ms`,
        },
      })
      .catch((err) => log.error({ err, incidentId: claimed.id }, 'could not record a voided transition'));
    return {
      ok: false,
      incident: done.incident,
      refusal: {
        reason: 'voided',
        message: 'recording this change took too long and it was not applied; nothing changed',
        next: 'try again',
      },
    };
  }

  /** A lock whose holder died between its steps: apply it if its audit record exists, else drop it. */
  async recover(stale: Incident): Promise<void> {
    const lock = stale.lock;
    if (!lock) return;
    const records = await this.d.audit.read({ incidentId: stale.id });
    const landed = records.some((r) => r.details['transition'] === lock.id);
    const res = await this.d.repo.update(stale.id, (cur) => {
      if (cur.lock?.id !== lock.id) return null;
      return landed
        ? { ...withChanges(cur, lock.changes), lock: undefined, lastTransition: lock.id }
        : { ...cur, lock: undefined };
    });
    if (res.ok)
      this.d.log.warn(
        { incidentId: stale.id, transition: lock.id, event: lock.event, landed },
        landed
          ? 'applied a stale transition whose audit record exists'
          : 'dropped a stale transition that was never audited',
      );
  }

  private async refused(
    refusal: Extract<Applied, { ok: false }>,
    event: IncidentEvent,
    actor: Actor,
  ): Promise<Applied> {
    await this.recordRefusal(refusal.incident, event.type, actor, refusal.refusal, refusal.move);
    return refusal;
  }

  /** Every refusal of a person is told to them by the caller and recorded here (invariant 9). */
  async recordRefusal(
    incident: Incident,
    event: string,
    actor: Actor,
    refusal: Refusal,
    move: Move | undefined,
  ): Promise<void> {
    if (actor.kind !== 'person') {
      this.d.log.debug({ incidentId: incident.id, event, reason: refusal.reason }, 'rollbot move not made');
      return;
    }
    this.d.metrics?.refusals.inc({ reason: refusal.reason });
    const { id, name } = actor.person;
    await this.d.audit
      .append({
        action: move?.refused ?? 'approval.refused',
        actor: { type: 'user', id, ...(name !== undefined ? { name } : {}) },
        incidentId: incident.id,
        service: incident.service,
        details: { event, reason: refusal.reason, message: refusal.message, roles: actor.roles },
      })
      .catch((err) => this.d.log.error({ err, incidentId: incident.id }, 'could not audit a refusal'));
  }

  /** Resolves stale locks on open incidents (run by the lifecycle sweep). */
  async recoverStale(incidents: readonly Incident[]): Promise<number> {
    let n = 0;
    for (const i of incidents)
      if (i.lock && this.d.clock.now() - i.lock.at > LOCK_STALE_MS) {
        await this.recover(i);
        n++;
      }
    return n;
  }
}

function fencedRefusal(cur: Incident): Extract<Applied, { ok: false }> {
  return {
    ok: false,
    incident: cur,
    refusal: { reason: 'fenced', message: 'another runner owns this incident now' },
  };
}
