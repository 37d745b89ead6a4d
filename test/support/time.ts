/** The wall-clock "HH:MM" of an instant in a timezone, computed independently of the app's code. */
export function wallTime(instant: string | Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(instant));
}

/**
 * Asserts `next` is the next occurrence of a daily wall time after `now`: in the future, at most
 * one day (25 hours across a DST change) ahead, and at `time` in `timeZone`. Whether that is
 * today or tomorrow depends on when the test runs, so tests must not assume either.
 */
export function isNextDailyOccurrence(
  next: string | null,
  time: string,
  timeZone: string,
  now = Date.now(),
): boolean {
  if (next === null) return false;
  const at = Date.parse(next);
  return at > now && at <= now + 25 * 3_600_000 && wallTime(next, timeZone) === time;
}
