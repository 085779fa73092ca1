import type { Logger } from 'pino';
import type { PeriodicTask } from '../core/periodic.js';
import type { Store } from '../store/index.js';
import type { AuditLog } from './audit-log.js';

/**
 * AUDIT_RETENTION: once an hour one replica (whoever takes the `audit-trim` lease) trims entries
 * older than the retention; `AuditLog.trim` records a checkpoint first, so the rest of the chain
 * still verifies.
 */
export async function trimOnce(deps: {
  audit: AuditLog;
  store: Store;
  olderThanMs: number;
  owner: string;
  log: Logger;
}): Promise<void> {
  const lease = await deps.store.acquireLease('audit-trim', deps.owner, 10 * 60_000);
  if (!lease.acquired) return;
  try {
    const res = await deps.audit.trim({ olderThan: deps.olderThanMs });
    if (res.removed > 0)
      deps.log.info(
        { removed: res.removed, checkpoint: res.checkpoint },
        'audit log trimmed to its retention',
      );
  } finally {
    await deps.store.releaseLease('audit-trim', deps.owner);
  }
}

/** The hourly trim as a periodic task (started with the app when AUDIT_RETENTION is set). */
export function retentionTask(deps: Parameters<typeof trimOnce>[0]): PeriodicTask {
  return { name: 'audit retention trim', everyMs: 3_600_000, run: () => trimOnce(deps) };
}
