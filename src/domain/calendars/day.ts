/**
 * Calendar dates as day numbers (days since 1970-01-01, UTC-agnostic): the arithmetic every
 * holiday rule is written in. Weekdays are Monday-first, 0 (Mon) to 6 (Sun).
 */

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

export const MON = 0;
export const TUE = 1;
export const WED = 2;
export const THU = 3;
export const FRI = 4;
export const SAT = 5;
export const SUN = 6;

export function ymd(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

export function weekday(day: number): number {
  // 1970-01-01 was a Thursday (3).
  return (((day + 3) % 7) + 7) % 7;
}

export function isWeekend(day: number): boolean {
  return weekday(day) >= SAT;
}

export function yearOf(day: number): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

export function isoOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The day number of "YYYY-MM-DD", or null when it is not a real calendar date. */
export function dayOfIso(date: string): number | null {
  const m = ISO_DATE.exec(date);
  if (!m) return null;
  const day = ymd(+m[1]!, +m[2]!, +m[3]!);
  return isoOfDay(day) === date ? day : null;
}

/** The nth (1-based) given weekday of a month; n = -1 is the last one. */
export function nthWeekday(year: number, month: number, wd: number, n: number): number {
  if (n > 0) {
    const first = ymd(year, month, 1);
    return first + ((wd - weekday(first) + 7) % 7) + (n - 1) * 7;
  }
  const last = ymd(year, month + 1, 0);
  return last - ((weekday(last) - wd + 7) % 7) + (n + 1) * 7;
}

/** The last given weekday on or before a date (Victoria Day: the Monday on or before May 24). */
export function weekdayOnOrBefore(day: number, wd: number): number {
  return day - ((weekday(day) - wd + 7) % 7);
}

/** The first given weekday on or after a date. */
export function weekdayOnOrAfter(day: number, wd: number): number {
  return day + ((wd - weekday(day) + 7) % 7);
}

/** Western Easter Sunday (anonymous Gregorian algorithm, Meeus/Jones/Butcher). */
export function easterSunday(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const dayOfMonth = ((h + l - 7 * m + 114) % 31) + 1;
  return ymd(year, month, dayOfMonth);
}

// Weekend observances, named as pandas names them (the reference project's rules use these).

/** Sunday moves to Monday; Saturday stays (is lost). */
export function sundayToMonday(day: number): number {
  return weekday(day) === SUN ? day + 1 : day;
}

/** Saturday moves to Friday, Sunday to Monday. */
export function nearestWorkday(day: number): number {
  const wd = weekday(day);
  return wd === SAT ? day - 1 : wd === SUN ? day + 1 : day;
}

/** Saturday and Sunday move to the Monday after. */
export function weekendToMonday(day: number): number {
  const wd = weekday(day);
  return wd === SAT ? day + 2 : wd === SUN ? day + 1 : day;
}

/** Saturday and Sunday move to the Friday before. */
export function previousFriday(day: number): number {
  const wd = weekday(day);
  return wd === SAT ? day - 1 : wd === SUN ? day - 2 : day;
}

/** The weekday before a date. */
export function previousWorkday(day: number): number {
  let d = day - 1;
  while (isWeekend(d)) d--;
  return d;
}

/** "HH:MM" as minutes of the day. */
export function hm(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

/** The day number of a literal "YYYY-MM-DD" in the rule tables (throws on a typo). */
export function dayOf(date: string): number {
  const day = dayOfIso(date);
  if (day === null) throw new RangeError(`not a date "YYYY-MM-DD": ${date}`);
  return day;
}
