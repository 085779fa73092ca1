/**
 * Live progress edits one Slack message per incident, and Slack allows about 50 edits a minute
 * per message: bursts are coalesced per incident (at most one edit a second, the newest state
 * last). Each edit re-reads the incident, so what it shows is what is stored, not a stale copy.
 */
import { Throttle } from '../core/throttle.js';
import type { Incident } from '../incidents/incident.js';
import type { Notifier } from '../incidents/ports.js';

const EDIT_INTERVAL_MS = 1000;

export interface LiveProgress {
  /** The incident changed: edit its message soon. */
  push(incident: Incident): void;
  /** The incident finished: edit its message now with the final state. */
  final(incident: Incident): Promise<void>;
  stop(): void;
}

export function createLiveProgress(deps: {
  notifier: Pick<Notifier, 'refresh'>;
  read: (incidentId: string) => Promise<Incident | null>;
  track: (work: Promise<unknown>) => void;
}): LiveProgress {
  const edits = new Throttle<Incident>(
    EDIT_INTERVAL_MS,
    (i) => i.id,
    (i) => deps.track(deps.read(i.id).then((cur) => cur && deps.notifier.refresh(cur))),
  );
  return {
    push: (incident) => edits.push(incident),
    final: async (incident) => {
      edits.flush(incident.id);
      await deps.notifier.refresh(incident);
    },
    stop: () => edits.stop(),
  };
}
