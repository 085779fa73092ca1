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
