/**
 * The per-service lease (invariant 3: one rollback in flight per service), renewed by a heartbeat
 * every ttl/3. Renewal answering "not yours" means another replica took over: `lost` turns true
 * and the runner stops before its next step. A renewal that errors (Redis blip) is retried on the
 * next beat; only after a whole ttl without a successful renewal is the lease presumed lost.
 */
import type { LeaseInfo, Store } from '../store/index.js';

export const serviceLease = (service: string) => `service:${service}`;

export class HeldLease {
  private timer: NodeJS.Timeout | undefined;
  private lastRenewed: number;
  private lostReason: string | undefined;
  private readonly onLostHandlers: ((why: string) => void)[] = [];

  constructor(
    private readonly store: Store,
    readonly name: string,
    readonly owner: string,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {
    this.lastRenewed = now();
  }

  /** Tries to take the lease; returns the holder when someone else has it. */
  static async acquire(
    store: Store,
    name: string,
    owner: string,
    ttlMs: number,
    now: () => number,
  ): Promise<{ lease: HeldLease } | { holder: LeaseInfo }> {
    const res = await store.acquireLease(name, owner, ttlMs);
    if (!res.acquired) return { holder: res.holder };
    const lease = new HeldLease(store, name, owner, ttlMs, now);
    lease.startHeartbeat();
    return { lease };
  }

  get lost(): string | undefined {
    return this.lostReason;
  }

  onLost(handler: (why: string) => void): void {
    this.onLostHandlers.push(handler);
  }

  private startHeartbeat(): void {
    const beat = Math.max(50, Math.floor(this.ttlMs / 3));
    this.timer = setInterval(() => void this.renew(), beat);
    this.timer.unref();
  }

  private async renew(): Promise<void> {
    if (this.lostReason) return;
    try {
      if (await this.store.renewLease(this.name, this.owner, this.ttlMs)) {
        this.lastRenewed = this.now();
        return;
      }
      this.markLost('the lease was taken over (it expired before renewal)');
    } catch (err) {
      if (this.now() - this.lastRenewed >= this.ttlMs)
        this.markLost(`could not renew the lease for ${this.ttlMs} ms: ${(err as Error).message}`);
    }
  }

  private markLost(why: string): void {
    this.lostReason = why;
    this.stopHeartbeat();
    for (const h of this.onLostHandlers) h(why);
  }

  stopHeartbeat(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Hands the lease back (so another replica can resume at once). Never throws. */
  async release(): Promise<boolean> {
    this.stopHeartbeat();
    if (this.lostReason) return false;
    try {
      return await this.store.releaseLease(this.name, this.owner);
    } catch {
      return false; // it expires on its own after ttl
    }
  }
}

/** "instance-a (incident inc-…)" from a lease owner `instanceId:incidentId`. */
export function describeHolder(holder: LeaseInfo, now: number): string {
  const at = holder.owner.lastIndexOf(':');
  const who = at > 0 ? `${holder.owner.slice(0, at)} (incident ${holder.owner.slice(at + 1)})` : holder.owner;
  const secs = Math.max(0, Math.round((holder.expiresAt - now) / 1000));
  return `${who}, lease renewed until ~${secs}s from now`;
}
