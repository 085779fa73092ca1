/**
 * Fault injection for resilience tests: make matching requests fail with a status, hang for a
 * while, lose their connection, or (watches) end early. Each fault fires `times` times (default 1).
 */
export interface FaultSpec {
  /** HTTP method to match (any when absent). */
  method?: string;
  /** Substring of the path, or a RegExp tested against `path?query` (any when absent). */
  pathPattern?: string | RegExp;
  /** How many matching requests the fault affects; default 1, `Infinity` for all. */
  times?: number;
  /** Answer with this HTTP status and a matching `Status` body instead of serving the request. */
  status?: number;
  /** Wait this long before answering (or before failing, with `status`/`dropConnection`). */
  delayMs?: number;
  /** Destroy the socket without answering. */
  dropConnection?: boolean;
  /** Watch requests only: serve the watch, then end the stream after this long. */
  endWatchAfterMs?: number;
}

export interface Fault extends FaultSpec {
  id: number;
  remaining: number;
  hits: number;
}

export class Faults {
  private next = 1;
  private faults: Fault[] = [];

  add(spec: FaultSpec): { id: number; remove: () => void } {
    const fault: Fault = { ...spec, id: this.next++, remaining: spec.times ?? 1, hits: 0 };
    this.faults.push(fault);
    return { id: fault.id, remove: () => this.remove(fault.id) };
  }

  remove(id: number): void {
    this.faults = this.faults.filter((f) => f.id !== id);
  }

  clear(): void {
    this.faults = [];
  }

  list(): readonly Fault[] {
    return this.faults;
  }

  /** The first fault that applies to this request, consuming one of its uses. */
  take(method: string, path: string, query: string, isWatch: boolean): Fault | undefined {
    const fault = this.faults.find((f) => {
      if (f.remaining <= 0) return false;
      if (f.method && f.method.toUpperCase() !== method.toUpperCase()) return false;
      if (f.endWatchAfterMs !== undefined && !isWatch && f.status === undefined && !f.dropConnection)
        return false;
      if (f.pathPattern === undefined) return true;
      if (typeof f.pathPattern === 'string') return path.includes(f.pathPattern);
      return f.pathPattern.test(query ? `${path}?${query}` : path);
    });
    if (!fault) return undefined;
    fault.remaining--;
    fault.hits++;
    if (fault.remaining <= 0) this.remove(fault.id);
    return fault;
  }
}
