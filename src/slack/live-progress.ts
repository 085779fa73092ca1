/**
 * Live progress edits one Slack message per incident as its run moves. The pacing lives in the
 * notifier's edit lane (edit-lane.ts: newest state wins, at most one edit per message every few
 * seconds, final states first, within Slack's Tier 3 budget); this only says when to refresh.
 * Neither call waits for Slack: an edit never holds up the run, its thread replies or approvals.
 */
import type { Incident } from '../incidents/incident.js';
import type { Notifier } from '../incidents/ports.js';

export interface LiveProgress {
  /** The incident changed: edit its message soon. */
  push(incident: Incident): void;
  /** The incident finished: its final state goes first in the edit lane. */
  final(incident: Incident): Promise<void>;
  stop(): void;
}

export function createLiveProgress(deps: {
  notifier: Pick<Notifier, 'refresh'>;
  track: (work: Promise<unknown>) => void;
}): LiveProgress {
  return {
    push: (incident) => deps.track(deps.notifier.refresh(incident)),
    final: (incident) => deps.notifier.refresh(incident),
    stop: () => undefined,
  };
}
