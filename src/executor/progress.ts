/**
 * Live progress without flooding Slack: state changes (a step starts or ends) go out at once;
 * live lines from inside a step ("2 of 3 updated replicas are available") are written to the
 * incident and announced at most once per interval, the newest line winning.
 */
import type { Incident } from '../incidents/incident.js';
import type { Logger } from '../log/logger.js';

export interface ProgressOptions {
  intervalMs: number;
  now: () => number;
  /** Stores a live line on the running step; returns the updated incident. */
  write: (stepId: string, line: string) => Promise<Incident | null>;
  emit: (incident: Incident) => Promise<void>;
  log: Logger;
}

export class ProgressThrottle {
  private latest: Incident | undefined;
  private line: { stepId: string; text: string } | undefined;
  private last = 0;
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly opts: ProgressOptions) {}

  /** A state change: announce now (pending live lines are stale and dropped). */
  changed(incident: Incident): void {
    this.latest = incident;
    this.line = undefined;
    this.fire();
  }

  /** A live line from the running step: announced within the interval. */
  step(stepId: string, text: string): void {
    this.line = { stepId, text };
    if (this.timer) return;
    const wait = Math.max(0, this.last + this.opts.intervalMs - this.opts.now());
    this.timer = setTimeout(() => this.fire(), wait);
    this.timer.unref();
  }

  private fire(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.last = this.opts.now();
    const line = this.line;
    this.line = undefined;
    this.chain = this.chain
      .then(async () => {
        let incident = this.latest;
        if (line) incident = (await this.opts.write(line.stepId, line.text)) ?? incident;
        this.latest = incident;
        if (incident) await this.opts.emit(incident);
      })
      .catch((err: unknown) => this.opts.log.warn({ err }, 'progress update failed (the rollback goes on)'));
  }

  /** Waits for announcements in flight; drops a pending live line. */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.line = undefined;
    await this.chain;
  }
}
