import type { Incident } from '../incidents/incident.js';
import type { Logger } from '../log/logger.js';
import type { Runbook } from '../runbooks/schema.js';
import type { RunHooks } from './deps.js';

/** Starts the service's cooldown from the runbook's settings; a failure to record it is logged, not fatal. */
export async function startCooldown(
  hooks: RunHooks | undefined,
  incident: Incident,
  result: 'succeeded' | 'failed',
  at: number,
  log: Logger,
): Promise<void> {
  const approval = (incident.runbook.spec as Runbook).approval;
  const ms = result === 'succeeded' ? approval.cooldown : approval.cooldownAfterFailure;
  try {
    await hooks?.cooldowns?.start({
      service: incident.service,
      incidentId: incident.id,
      result,
      finishedAt: at,
      until: at + ms,
    });
  } catch (err) {
    log.warn({ err }, 'could not record the cooldown');
  }
}
