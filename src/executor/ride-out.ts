/**
 * A Redis failover (Sentinel promoting a replica, a managed Redis restarting) takes seconds;
 * commands fail fast meanwhile (redis-client.ts). A run that holds its service lease must not
 * crash on that and leave its own incident to be resumed after the lease lapses: it waits for the
 * store to answer again, for as long as the lease can still be its own — the heartbeat keeps it
 * for a whole TTL without a successful renewal (lease.ts), and every write is fenced on the run's
 * owner token anyway (fenced.ts).
 */
import { asRollbotError } from '../core/errors.js';
import type { Logger } from '../log/logger.js';
import type { HeldLease } from './lease.js';

const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 1_000;

export interface RideOutOptions {
  lease: HeldLease;
  /** Give up after this long without the store answering (the lease TTL). */
  maxMs: number;
  log: Logger;
}

/**
 * Runs `op`; while it fails with `store_unavailable` and the lease is not lost, retries with a
 * short doubling delay for up to `maxMs`. Other errors, a lost lease or a longer outage: rethrown.
 * Real time on purpose: an outage is measured on the wall, whatever clock the run is given.
 */
export async function rideOut<T>(what: string, op: () => Promise<T>, opts: RideOutOptions): Promise<T> {
  let since: number | undefined;
  let delay = FIRST_DELAY_MS;
  for (;;) {
    try {
      const value = await op();
      if (since !== undefined)
        opts.log.info({ what, waitedMs: Date.now() - since }, 'Redis answers again; the rollback goes on');
      return value;
    } catch (err) {
      const e = asRollbotError(err);
      if (e.code !== 'store_unavailable' || opts.lease.lost) throw err;
      if (since === undefined) {
        since = Date.now();
        opts.log.warn({ what, err: e.message }, 'Redis unavailable; holding the lease and waiting for it');
      }
      if (Date.now() - since >= opts.maxMs) throw err;
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, MAX_DELAY_MS);
    }
  }
}
