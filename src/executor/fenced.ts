import type { Incident } from '../incidents/incident.js';
import type { IncidentRepository } from '../incidents/repository.js';

/** Thrown when a fenced write finds another owner (or a closed incident): the run stops quietly. */
export class Fenced extends Error {
  constructor(readonly incident: Incident) {
    super('fenced');
  }
}

/**
 * The incident as one run may see and change it: every read and write checks that this run's
 * owner token is still the incident's, so a runner that lost its lease can never overwrite the
 * records of the replica that took over.
 */
export class FencedIncident {
  constructor(
    private readonly repo: IncidentRepository,
    private readonly incidentId: string,
    readonly token: string,
    /** Wraps each read and write (the run rides out a Redis failover with it: ride-out.ts). */
    private readonly durable: <T>(what: string, op: () => Promise<T>) => Promise<T> = (_what, op) => op(),
  ) {}

  async fresh(): Promise<Incident> {
    const incident = await this.durable('read the incident', () => this.repo.require(this.incidentId));
    if (incident.execution?.owner !== this.token || incident.state !== 'running') throw new Fenced(incident);
    return incident;
  }

  /** Changes the incident only while this run owns it. */
  async mutate(change: (cur: Incident) => unknown): Promise<Incident> {
    const res = await this.durable('update the incident', () =>
      this.repo.update(this.incidentId, (cur) => {
        if (cur.execution?.owner !== this.token || cur.state !== 'running') return null;
        change(cur);
        return cur;
      }),
    );
    if (!res.ok) throw new Fenced(res.incident);
    return res.incident;
  }

  /** The live one-line summary of a running step (dropped if the step is no longer running). */
  async writeLine(stepId: string, line: string): Promise<Incident | null> {
    const res = await this.repo.update(this.incidentId, (cur) => {
      const rec =
        cur.execution?.owner === this.token ? cur.execution.steps.find((r) => r.id === stepId) : undefined;
      if (!rec || rec.status !== 'running') return null;
      rec.summary = line;
      return cur;
    });
    return res.ok ? res.incident : null;
  }
}
