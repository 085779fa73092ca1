import type { Store } from '../store/index.js';

/**
 * After a rollback of a service finishes, new rollbacks of it wait for a cooldown (the runbook's
 * `cooldown`, or `cooldownAfterFailure`): repeated rollbacks oscillate between revisions and hide
 * the real cause. Break-glass ignores it. One key per service, expiring with the cooldown.
 */
export interface CooldownRecord {
  service: string;
  incidentId: string;
  result: 'succeeded' | 'failed';
  finishedAt: number;
  until: number;
}

const key = (service: string) => `cooldown:${service}`;

export class Cooldowns {
  constructor(private readonly store: Store) {}

  async start(record: CooldownRecord): Promise<void> {
    const ttlMs = record.until - record.finishedAt;
    if (ttlMs <= 0) return;
    await this.store.set(key(record.service), JSON.stringify(record), { ttlMs });
  }

  async active(service: string, now: number): Promise<CooldownRecord | null> {
    const raw = await this.store.get(key(service));
    if (!raw) return null;
    const record = JSON.parse(raw) as CooldownRecord;
    return record.until > now ? record : null;
  }
}
