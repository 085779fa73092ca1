import type { FreezeWindow } from '../runbooks/schema.js';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** Weekday and minutes-since-midnight of an instant in a time zone. */
function localParts(now: number, timeZone: string): { day: (typeof DAYS)[number]; minutes: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(now));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const day = get('weekday').slice(0, 3).toLowerCase() as (typeof DAYS)[number];
  return { day, minutes: Number(get('hour')) * 60 + Number(get('minute')) };
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The freeze window in force at `now`, if any. Weekly windows may run past midnight. */
export function activeFreeze(windows: readonly FreezeWindow[], now: number): FreezeWindow | undefined {
  return windows.find((w) => {
    if ('from' in w) return Date.parse(w.from) <= now && now < Date.parse(w.to);
    const { days, from, to, timezone } = w.weekly;
    const start = toMinutes(from);
    const end = toMinutes(to);
    const here = localParts(now, timezone);
    if (start <= end) return days.includes(here.day) && here.minutes >= start && here.minutes <= end;
    // Overnight: started today after `from`, or started yesterday and we are before `to`.
    if (days.includes(here.day) && here.minutes >= start) return true;
    const yesterday = DAYS[(DAYS.indexOf(here.day) + 6) % 7]!;
    return days.includes(yesterday) && here.minutes <= end;
  });
}
