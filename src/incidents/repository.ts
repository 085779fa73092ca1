import { randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import { RollbotError } from '../core/errors.js';
import type { Store } from '../store/index.js';
import { type Incident, isOpen } from './incident.js';

/**
 * Incident persistence over the Store. Each incident is one JSON value changed only through
 * `update`, a compare-and-set loop on the whole document: concurrent writers (two replicas, fifty
 * clicks) serialise, and a mutator can refuse by returning null after seeing the latest state.
 * `open:<service>` names the one open incident of a service (invariant: one proposal per service).
 */
const key = (id: string) => `incident:${id}`;
const openKey = (service: string) => `open:${service}`;
const ACTIVE = 'incidents:active';
const RETENTION_MS = 30 * 24 * 3_600_000;

export type Mutator = (current: Incident) => Incident | null;

export class IncidentRepository {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  newId(): string {
    const d = new Date(this.clock.now()).toISOString().slice(0, 10).replaceAll('-', '');
    return `inc-${d}-${randomBytes(3).toString('hex')}`;
  }

  async get(id: string): Promise<Incident | null> {
    const raw = await this.store.get(key(id));
    return raw ? (JSON.parse(raw) as Incident) : null;
  }

  async require(id: string): Promise<Incident> {
    const incident = await this.get(id);
    if (!incident)
      throw new RollbotError('not_found', `incident ${id} does not exist (or expired after 30 days)`);
    return incident;
  }

  /** The open incident of a service, if any. The index may point at a closed one: that means none. */
  async openFor(service: string): Promise<Incident | null> {
    const id = await this.store.get(openKey(service));
    const incident = id ? await this.get(id) : null;
    return incident && isOpen(incident) ? incident : null;
  }

  /**
   * Creates the incident if the service has no open one. Returns `{ created }` or the open
   * incident that won (another alert, command or replica got there first).
   */
  async createIfNoneOpen(
    incident: Incident,
  ): Promise<{ created: true; incident: Incident } | { created: false; incident: Incident }> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const currentId = await this.store.get(openKey(incident.service));
      const current = currentId ? await this.get(currentId) : null;
      if (current && isOpen(current)) return { created: false, incident: current };
      // Write the document first so the index never names a missing incident.
      await this.store.set(key(incident.id), JSON.stringify(incident), { ttlMs: RETENTION_MS });
      if (await this.store.compareAndSet(openKey(incident.service), currentId, incident.id)) {
        await this.store.addToSet(ACTIVE, incident.id);
        return { created: true, incident };
      }
      await this.store.del(key(incident.id));
    }
    throw new RollbotError(
      'conflict',
      `could not open an incident for ${incident.service}: too much contention`,
      {
        hint: 'retry in a moment',
      },
    );
  }

  /**
   * Applies `mutate` atomically. Returns the stored result, or `{ refused: current }` when the
   * mutator returned null. Retries on lost races with the fresh document.
   */
  async update(
    id: string,
    mutate: Mutator,
  ): Promise<{ ok: true; incident: Incident } | { ok: false; incident: Incident }> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const raw = await this.store.get(key(id));
      if (!raw) throw new RollbotError('not_found', `incident ${id} does not exist`);
      const current = JSON.parse(raw) as Incident;
      const next = mutate(structuredClone(current));
      if (!next) return { ok: false, incident: current };
      next.updatedAt = this.clock.now();
      const serialized = JSON.stringify(next);
      if (await this.store.compareAndSet(key(id), raw, serialized, { ttlMs: RETENTION_MS })) {
        if (!isOpen(next) && isOpen(current)) await this.closeIndexes(next);
        return { ok: true, incident: next };
      }
    }
    throw new RollbotError('conflict', `incident ${id} is changing too fast to update`, {
      hint: 'retry in a moment',
    });
  }

  private async closeIndexes(incident: Incident): Promise<void> {
    await this.store.removeFromSet(ACTIVE, incident.id);
  }

  /** Incidents that are open (proposed, approved or running): the executor's resume scan reads these. */
  async active(): Promise<Incident[]> {
    const ids = await this.store.setMembers(ACTIVE);
    const found = await Promise.all(ids.map((id) => this.get(id)));
    return found.filter((i): i is Incident => i !== null && isOpen(i));
  }
}
