/**
 * Where audit records go: the hash-chained log (first, and it must take the record: invariant 1)
 * and, for significant actions, one line in the audit channel (best effort, after the record is
 * stored). One sink for everything that acts; `stop` drains the channel queue at shutdown.
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/index.js';
import { isSignificant } from './actions.js';
import { AuditLog } from './audit-log.js';
import { AuditChannelPoster } from './channel-poster.js';

export interface AuditOutlets {
  log: AuditLog;
  /** Appends to the log (throws when the record was not stored), then offers it to the channel; reads the log. */
  sink: Pick<AuditLog, 'append' | 'read'>;
  stop(): Promise<void>;
}

export function createAuditOutlets(deps: {
  store: Store;
  clock: Clock;
  log: Logger;
  /** Posts one message to the audit channel; absent: no audit channel configured. */
  post?: ((text: string) => Promise<void>) | undefined;
  /** The Slack thread of an incident, linked from its lines (best effort). */
  threadLink?: ((incidentId: string) => Promise<string | undefined>) | undefined;
}): AuditOutlets {
  const auditLog = new AuditLog(deps.store, { clock: deps.clock, log: deps.log });
  const poster = deps.post
    ? new AuditChannelPoster({ post: deps.post, clock: deps.clock, log: deps.log })
    : undefined;
  const linkOf = async (incidentId: string | undefined) => {
    if (!incidentId || !deps.threadLink) return undefined;
    // A line without its thread link is still the right line: never hold the record back for it.
    return deps.threadLink(incidentId).catch((err: unknown) => {
      deps.log.debug({ err, incidentId }, 'no thread link for the audit line');
      return undefined;
    });
  };
  return {
    log: auditLog,
    sink: {
      read: (filter) => auditLog.read(filter),
      append: async (event) => {
        const record = await auditLog.append(event);
        if (poster && isSignificant(record.action)) {
          const threadLink = await linkOf(event.incidentId);
          poster.offer(record, threadLink ? { threadLink } : {});
        }
        return record;
      },
    },
    stop: async () => poster?.stop(),
  };
}
