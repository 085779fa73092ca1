/**
 * Runs `task` every `intervalMs`, never two at once, never keeping the process alive; a failed
 * run is reported and the next one goes ahead. Returns a stop function.
 */
export function every(
  intervalMs: number,
  task: () => Promise<unknown>,
  onError: (err: unknown) => void,
): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    task()
      .catch(onError)
      .finally(() => (running = false));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

export interface PeriodicTask {
  /** What it is, for the log line when a run fails. */
  name: string;
  everyMs: number;
  run: () => Promise<unknown>;
}

/** Starts every task with `every`; failures are logged as warnings. Returns one stop for all. */
export function startPeriodic(
  tasks: PeriodicTask[],
  log: { warn(obj: object, msg: string): void },
): () => void {
  const stops = tasks.map((t) => every(t.everyMs, t.run, (err) => log.warn({ err }, `${t.name} failed`)));
  return () => stops.forEach((stop) => stop());
}
