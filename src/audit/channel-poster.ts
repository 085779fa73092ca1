/**
 * Posts one compact line per significant audit record to the audit channel. Lines are batched
 * into one message at most once per `intervalMs` (Slack allows about one message per second per
 * channel). Posting is best effort: the record is already in the audit log, so a failed post is
 * logged and retried later, never thrown at the caller.
 */
import { type Clock, systemClock } from '../core/clock.js';
import { backoffDelay } from '../core/retry.js';
import type { Logger } from '../log/logger.js';
import { isSignificant } from './actions.js';
import { escapeText } from '../core/text.js';
import type { AuditRecord } from './record.js';

export interface AuditChannelPosterOptions {
  post: (text: string) => Promise<void>;
  intervalMs?: number;
  maxBatch?: number;
  clock?: Clock;
  log?: Logger;
}

const EMOJI: Record<string, string> = {
  'proposal.posted': ':bell:',
  'proposal.dismissed': ':wastebasket:',
  'proposal.cancelled': ':wastebasket:',
  'request.refused': ':no_entry:',
  'rollback.cancel_requested': ':octagonal_sign:',
  'approval.granted': ':white_check_mark:',
  'approval.refused': ':no_entry:',
  'breakglass.invoked': ':rotating_light:',
  'breakglass.approved': ':rotating_light:',
  'rollback.succeeded': ':large_green_circle:',
  'rollback.failed': ':red_circle:',
  'rollback.cancelled': ':black_square_for_stop:',
};

const esc = (text: string) => escapeText('mrkdwn', text);

/** `:white_check_mark: 14:02:11Z *approval.granted* payments-api by <@U0BOB> — incident inc-1 <url|thread>` */
export function formatAuditLine(record: AuditRecord, threadLink?: string): string {
  // Each reader's own time zone (Slack's date token), the UTC time as the fallback.
  const at = Date.parse(record.at);
  const time = `<!date^${Math.floor(at / 1000)}^{time_secs}|${record.at.slice(11, 19)} UTC>`;
  const who = record.actor.type === 'user' ? `<@${record.actor.id}>` : esc(record.actor.name ?? 'rollbot');
  let line = `${EMOJI[record.action] ?? ':memo:'} ${time} *${record.action}*`;
  if (record.service) line += ` ${esc(record.service)}`;
  line += ` by ${who}`;
  if (record.incidentId) line += ` — incident ${esc(record.incidentId)}`;
  const reason = record.details.reason;
  if (typeof reason === 'string' && reason) line += ` (${esc(reason)})`;
  // A stopped run says where it stopped ("stopped after … was rolled back to revision 2 …").
  const stopped = record.details.stopped;
  if (typeof stopped === 'string' && stopped) line += ` — ${esc(stopped)}`;
  if (threadLink) line += ` <${threadLink}|thread>`;
  return line;
}

export class AuditChannelPoster {
  private readonly post: (text: string) => Promise<void>;
  private readonly intervalMs: number;
  private readonly maxBatch: number;
  private readonly clock: Clock;
  private readonly log: Logger | undefined;
  private queue: string[] = [];
  private lastPostAt = -Infinity;
  private pumping: Promise<void> | null = null;
  private retry: AbortController | null = null;
  private failures = 0;
  private stopped = false;

  constructor(opts: AuditChannelPosterOptions) {
    this.post = opts.post;
    this.intervalMs = opts.intervalMs ?? 1100;
    this.maxBatch = opts.maxBatch ?? 20;
    this.clock = opts.clock ?? systemClock;
    this.log = opts.log;
  }

  /** Queues the record's line if it is significant; returns at once. */
  offer(record: AuditRecord, opts: { threadLink?: string } = {}): void {
    if (!isSignificant(record.action)) return;
    if (this.stopped) {
      this.log?.warn(
        { seq: record.seq, action: record.action },
        'audit channel poster stopped; line not posted',
      );
      return;
    }
    this.queue.push(formatAuditLine(record, opts.threadLink));
    void this.pump();
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Posts everything queued (spaced by the interval); stops early at a failed post, which is retried later. */
  async flush(): Promise<void> {
    this.retry?.abort();
    await this.pump();
  }

  /** Drains the queue (a few attempts if Slack fails), then takes no more lines. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (let attempt = 0; attempt < 3 && this.queue.length > 0; attempt++) await this.flush();
    await this.pumping;
    if (this.queue.length > 0) {
      this.log?.error(
        { lines: this.queue.length },
        'audit channel lines dropped at shutdown (the audit log has them)',
      );
      this.queue = [];
    }
  }

  private pump(): Promise<void> {
    this.pumping ??= this.drain().finally(() => {
      this.pumping = null;
    });
    return this.pumping;
  }

  private async drain(): Promise<void> {
    await null; // let offers made in the same tick join the first batch
    while (this.queue.length > 0) {
      const wait = this.lastPostAt + this.intervalMs - this.clock.now();
      if (wait > 0) await this.clock.sleep(wait);
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        this.lastPostAt = this.clock.now();
        await this.post(batch.join('\n'));
        this.failures = 0;
      } catch (err) {
        this.queue.unshift(...batch);
        this.failures++;
        this.log?.warn(
          { err, lines: batch.length, failures: this.failures },
          'audit channel post failed; will retry',
        );
        if (!this.stopped) this.scheduleRetry();
        return;
      }
    }
  }

  /** Retries with a growing delay (up to a minute) while Slack keeps failing. */
  private scheduleRetry(): void {
    this.retry?.abort();
    const ctl = new AbortController();
    this.retry = ctl;
    const delay = backoffDelay(this.failures + 1, { baseMs: this.intervalMs, maxMs: 60_000 });
    this.clock.sleep(delay, ctl.signal).then(
      () => {
        if (this.retry === ctl) this.retry = null;
        if (!this.stopped) void this.pump();
      },
      () => undefined,
    );
  }
}
