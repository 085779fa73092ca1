/**
 * Work started after a reply was sent (Slack's 3-second ack, invariant 8): tracked so a failure
 * is logged rather than lost as an unhandled rejection, and so shutdown and tests can wait for it.
 */
export class Background {
  private readonly running = new Set<Promise<unknown>>();

  constructor(private readonly onError: (err: unknown) => void) {}

  track(work: Promise<unknown>): void {
    const p = work.catch(this.onError).finally(() => this.running.delete(p));
    this.running.add(p);
  }

  /** Resolves once everything tracked (including work tracked meanwhile) has settled. */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }
}
