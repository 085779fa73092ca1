/**
 * Live progress edits one Slack message per incident as its run moves. The pacing lives in the
 * notifier's edit lane (edit-lane.ts: newest state wins, at most one edit per message every few
 * seconds, final states first, within Slack's Tier 3 budget); this only says when to refresh.
 * Neither call waits for Slack: an edit never holds up the run, its thread replies or approvals.
 */
import type { Incident } from '../incidents/incident.js';
import type { Notifier } from '../incidents/ports.js';

/** A change that races the proposal's own post (no message ts yet) is shown once it is posted. */
const POSTED_POLL_MS = 500;
const POSTED_POLLS = 20;

export interface LiveProgress {
  /** The incident changed: edit its message soon. */
  push(incident: Incident): void;
  /** The incident finished: its final state goes first in the edit lane. */
  final(incident: Incident): Promise<void>;
  stop(): void;
}

export function createLiveProgress(deps: {
  notifier: Pick<Notifier, 'refresh'>;
  read: (incidentId: string) => Promise<Incident | null>;
  track: (work: Promise<unknown>) => void;
}): LiveProgress {
  let stopped = false;
  const whenPosted = async (incident: Incident) => {
    let current: Incident | null = incident;
    for (let i = 0; current && !current.slack?.ts && i < POSTED_POLLS && !stopped; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, POSTED_POLL_MS));
      current = await deps.read(incident.id);
    }
    if (current?.slack?.ts) await deps.notifier.refresh(current);
  };
  return {
    push: (incident) => deps.track(whenPosted(incident)),
    final: (incident) => deps.notifier.refresh(incident),
    stop: () => void (stopped = true),
  };
}
