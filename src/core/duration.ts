/**
 * How long something took, for people, in one format everywhere (Slack, the postmortem, step
 * summaries, CLI): "45 ms", "2.1 s", "41 s", "1 m 05 s", "2 h 05 m", "3 d 4 h". Seconds get one
 * decimal while they are few (the difference between 2 s and 2.9 s matters when a check must hold
 * 4 s), whole units after; the smaller unit is zero-padded so columns of durations line up.
 * Runbook notation ("1h30m", what `parseDuration` reads) is runbooks/duration.ts's formatDuration.
 */
export function humanDuration(ms: number): string {
  const t = Math.max(0, Number.isFinite(ms) ? ms : 0);
  if (t < 100) return `${Math.round(t)} ms`;
  if (t < 10_000) return `${trim((Math.round(t / 100) / 10).toFixed(1))} s`;
  const s = Math.round(t / 1000);
  if (s < 60) return `${s} s`;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (s < 3600) return `${Math.floor(s / 60)} m ${pad(s % 60)} s`;
  const m = Math.floor(s / 60);
  if (m < 24 * 60) return `${Math.floor(m / 60)} h ${pad(m % 60)} m`;
  const h = Math.floor(m / 60);
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

const trim = (n: string) => (n.endsWith('.0') ? n.slice(0, -2) : n);
