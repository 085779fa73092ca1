/**
 * Suspect revisions (DESIGN.md invariant 10: never propose the release that paged). When an alert
 * fires, the pod template live at that moment is recorded as suspect for the service, with the
 * alert and the time. Templates are recognised by content (kube/template.ts templateHash), so a
 * suspect stays suspect when a rollout renumbers its revision. Automatic, stale and default
 * proposals pass over suspects; an explicit `to N` may name one, and the proposal says why it is
 * suspect. One JSON document per service, changed by compare-and-set.
 */
import type { Clock } from '../core/clock.js';
import type { Store } from '../store/index.js';
import type { SuspectMark } from './incident.js';

export interface Suspect extends SuspectMark {
  templateHash: string;
  /** The revision number it had when the alert fired (renumbering may change it later). */
  revision: number;
  images: string[];
}

const key = (service: string) => `suspects:${service}`;
const RETENTION_MS = 30 * 24 * 3_600_000;
/** Enough for any real history (revisionHistoryLimit defaults to 10); the oldest go first. */
const MAX = 50;

export class Suspects {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async list(service: string): Promise<Suspect[]> {
    const raw = await this.store.get(key(service));
    if (!raw) return [];
    const all = Object.values(JSON.parse(raw) as Record<string, Suspect>);
    return all.filter((s) => this.clock.now() - s.at < RETENTION_MS);
  }

  /** Marks a template suspect; the first alert that paged on it stays the reason given. */
  async record(service: string, suspect: Suspect): Promise<boolean> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const raw = await this.store.get(key(service));
      const all = raw ? (JSON.parse(raw) as Record<string, Suspect>) : {};
      if (all[suspect.templateHash]) return false;
      all[suspect.templateHash] = suspect;
      const kept = Object.fromEntries(
        Object.entries(all)
          .sort(([, a], [, b]) => b.at - a.at)
          .slice(0, MAX),
      );
      if (await this.store.compareAndSet(key(service), raw, JSON.stringify(kept), { ttlMs: RETENTION_MS }))
        return true;
    }
    return false; // 20 lost races: others are recording the same alert storm; one of them got it
  }
}

/** The suspect mark of a revision, if its template is suspect. */
export function suspectMark(
  suspects: readonly Suspect[],
  templateHash: string | undefined,
): SuspectMark | undefined {
  const s = templateHash ? suspects.find((x) => x.templateHash === templateHash) : undefined;
  return s ? { alert: s.alert, at: s.at } : undefined;
}
