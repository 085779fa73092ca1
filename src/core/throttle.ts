/**
 * Coalesces bursts per key: the first push runs at once, later pushes within `intervalMs` are
 * folded into one trailing run with the newest value. Used for live progress edits, which Slack
 * rate-limits per message.
 */
export class Throttle<T> {
  private last = new Map<string, number>();
  private pending = new Map<string, { value: T; timer: NodeJS.Timeout }>();

  constructor(
    private readonly intervalMs: number,
    private readonly keyOf: (value: T) => string,
    private readonly run: (value: T) => void,
    private readonly now: () => number = Date.now,
  ) {}

  push(value: T): void {
    const key = this.keyOf(value);
    const waiting = this.pending.get(key);
    if (waiting) {
      waiting.value = value;
      return;
    }
    const since = this.now() - (this.last.get(key) ?? 0);
    if (since >= this.intervalMs) {
      this.last.set(key, this.now());
      this.run(value);
      return;
    }
    const timer = setTimeout(() => this.flush(key), this.intervalMs - since);
    timer.unref();
    this.pending.set(key, { value, timer });
  }

  /** Runs the pending value for `key` now, if any. */
  flush(key: string): void {
    const waiting = this.pending.get(key);
    if (!waiting) return;
    clearTimeout(waiting.timer);
    this.pending.delete(key);
    this.last.set(key, this.now());
    this.run(waiting.value);
  }

  stop(): void {
    for (const { timer } of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }
}
