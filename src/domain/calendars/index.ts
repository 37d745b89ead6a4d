/**
 * Exchange calendars: every session, holiday, early close and lunch break of XNYS, XNAS, XLON,
 * XETR, XTSE, XASX, XTKS, XHKG, XBOM/XNSE since 1990 (or the calendar's first year), plus
 * `24/7` (crypto, `-USD`) and `24/5` (currencies, `=X`). Pure TypeScript with no imports
 * outside this folder (Intl only): the browser, the server and anyone else can use it as is.
 *
 * Instants are UTC epoch milliseconds; dates are "YYYY-MM-DD" in the exchange's own zone.
 * Sessions are computed per calendar and year on first use and cached.
 *
 * Freshness foundations (for market data and alerts):
 * - `lastClosedSession(code, instant, settleMinutes)`: the latest session whose close plus
 *   `settleMinutes` is at or before `instant`: the newest daily bar that can be final then.
 * - `nextSession(code, instant)`: the first session that opens after `instant`.
 * - `sessionAt(code, instant)`: the session in progress at `instant` (lunch break included).
 * All three return null outside the calendar's coverage.
 */
import { DAY_MS, MINUTE_MS, dayOfIso, yearOf } from './day';
import { codeForSymbol, SPECS, specOf } from './registry';
import { yearOfSessions, type EarlyCloseDay, type Holiday, type Session } from './sessions';
import type { CalendarSpec } from './spec';

export type { EarlyCloseDay, Holiday, Session } from './sessions';
export { clearSessionCache } from './sessions';

export interface CalendarInfo {
  code: string;
  name: string;
  timezone: string;
  /** Symbol suffixes that trade on it (`""` for plain US tickers). */
  suffixes: string[];
  first_date: string;
  last_date: string;
}

/** The longest range one call answers. */
export const MAX_RANGE_YEARS = 50;

export type CalendarErrorKind = 'unknown_calendar' | 'bad_range';

/** A bad code or range; `field` names the argument at fault (`code`, `start`, `end`). */
export class CalendarError extends Error {
  constructor(
    readonly kind: CalendarErrorKind,
    readonly field: 'code' | 'start' | 'end',
    message: string,
  ) {
    super(message);
    this.name = 'CalendarError';
  }
}

function info(spec: CalendarSpec): CalendarInfo {
  return {
    code: spec.code,
    name: spec.name,
    timezone: spec.timezone,
    suffixes: [...spec.suffixes],
    first_date: spec.firstDate,
    last_date: spec.lastDate,
  };
}

export function listCalendars(): CalendarInfo[] {
  return SPECS.map(info);
}

/** A calendar by code (case-insensitive; `24-7`/`24-5` stand for `24/7`/`24/5`), or undefined. */
export function getCalendar(code: string): CalendarInfo | undefined {
  const spec = specOf(code);
  return spec && info(spec);
}

function specOrThrow(code: string): CalendarSpec {
  const spec = specOf(code);
  if (!spec) {
    const known = SPECS.map((s) => s.code).join(', ');
    throw new CalendarError(
      'unknown_calendar',
      'code',
      `unknown calendar "${code}": one of ${known}`,
    );
  }
  return spec;
}

/** Checks a date range against the calendar's coverage; returns its day numbers. */
function rangeOf(spec: CalendarSpec, start: string, end: string): [number, number] {
  const from = dayOfIso(start);
  const to = dayOfIso(end);
  if (from === null)
    throw new CalendarError('bad_range', 'start', `must be a date "YYYY-MM-DD", got "${start}"`);
  if (to === null)
    throw new CalendarError('bad_range', 'end', `must be a date "YYYY-MM-DD", got "${end}"`);
  if (to < from) throw new CalendarError('bad_range', 'end', 'must not be before start');
  if (start < spec.firstDate) {
    throw new CalendarError('bad_range', 'start', `${spec.code} starts on ${spec.firstDate}`);
  }
  if (end > spec.lastDate) {
    throw new CalendarError('bad_range', 'end', `${spec.code} is known up to ${spec.lastDate}`);
  }
  if (
    yearOf(to) - yearOf(from) > MAX_RANGE_YEARS ||
    (yearOf(to) - yearOf(from) === MAX_RANGE_YEARS && end.slice(5) > start.slice(5))
  ) {
    throw new CalendarError('bad_range', 'end', `a range spans at most ${MAX_RANGE_YEARS} years`);
  }
  return [from, to];
}

/** What is wrong with a range for a calendar (unknown code, bad date, outside coverage), or null. */
export function rangeError(code: string, start: string, end: string): CalendarError | null {
  try {
    rangeOf(specOrThrow(code), start, end);
    return null;
  } catch (error) {
    if (error instanceof CalendarError) return error;
    throw error;
  }
}

function collect<T extends { date: string }>(
  spec: CalendarSpec,
  start: string,
  end: string,
  pick: (year: ReturnType<typeof yearOfSessions>) => readonly T[],
): T[] {
  const [from, to] = rangeOf(spec, start, end);
  const out: T[] = [];
  for (let year = yearOf(from); year <= yearOf(to); year++) {
    for (const item of pick(yearOfSessions(spec, year))) {
      if (item.date >= start && item.date <= end) out.push(item);
    }
  }
  return out;
}

/** Every session dated from `start` to `end` (inclusive), in order. Throws CalendarError. */
export function sessions(code: string, start: string, end: string): Session[] {
  return collect(specOrThrow(code), start, end, (y) => y.sessions);
}

/** Weekdays without a session, with the reason. Throws CalendarError. */
export function holidays(code: string, start: string, end: string): Holiday[] {
  return collect(specOrThrow(code), start, end, (y) => y.holidays);
}

/** Sessions that close before the regular close, with the reason. Throws CalendarError. */
export function earlyCloses(code: string, start: string, end: string): EarlyCloseDay[] {
  return collect(specOrThrow(code), start, end, (y) => y.earlyCloses);
}

/** The session dated `date`, or null (a weekend, a holiday, or outside the coverage). */
export function sessionOn(code: string, date: string): Session | null {
  const spec = specOrThrow(code);
  const day = dayOfIso(date);
  if (day === null || date < spec.firstDate || date > spec.lastDate) return null;
  const year = yearOfSessions(spec, yearOf(day));
  const i = year.byDay.get(day);
  return i === undefined ? null : year.sessions[i]!;
}

export function isSession(code: string, date: string): boolean {
  return sessionOn(code, date) !== null;
}

/**
 * The calendar a symbol trades on: by suffix (`.L` XLON, `.DE` XETR, `.TO` XTSE, `.AX` XASX,
 * `.T` XTKS, `.HK` XHKG, `.BO` XBOM, `.NS` XNSE, `-USD` 24/7, `=X` 24/5, none XNYS), or by
 * the exchange a data provider reported for it once fetched (Yahoo's codes), which wins.
 */
export function calendarForSymbol(symbol: string, reportedExchange?: string | null): string {
  const byExchange = reportedExchange
    ? PROVIDER_EXCHANGES[reportedExchange.toUpperCase()]
    : undefined;
  return byExchange ?? codeForSymbol(symbol);
}

/** Yahoo Finance `exchange` codes of the calendars' venues. */
const PROVIDER_EXCHANGES: Readonly<Record<string, string>> = {
  NYQ: 'XNYS',
  ASE: 'XNYS',
  PCX: 'XNYS',
  NMS: 'XNAS',
  NGM: 'XNAS',
  NCM: 'XNAS',
  NAS: 'XNAS',
  LSE: 'XLON',
  GER: 'XETR',
  TOR: 'XTSE',
  ASX: 'XASX',
  JPX: 'XTKS',
  HKG: 'XHKG',
  BSE: 'XBOM',
  NSI: 'XNSE',
  CCC: '24/7',
  CCY: '24/5',
};

/**
 * Sessions in date order from the day before (or after, walking back) an instant's UTC date,
 * within the coverage: a session's date is at most a day off the UTC dates of its instants.
 */
function* sessionsFrom(spec: CalendarSpec, instant: number, direction: 1 | -1): Generator<Session> {
  const first = dayOfIso(spec.firstDate)!;
  const last = dayOfIso(spec.lastDate)!;
  let day = Math.floor(instant / DAY_MS) + (direction === 1 ? -1 : 1);
  day = Math.min(Math.max(day, first), last);
  // 400 days covers the longest run of non-sessions with margin.
  for (let n = 0; n < 400 && day >= first && day <= last; n++, day += direction) {
    const year = yearOfSessions(spec, yearOf(day));
    const i = year.byDay.get(day);
    if (i !== undefined) yield year.sessions[i]!;
  }
}

/** The latest session whose close plus `settleMinutes` is at or before `instant`. */
export function lastClosedSession(
  code: string,
  instant: number,
  settleMinutes = 0,
): Session | null {
  const spec = specOrThrow(code);
  const settle = settleMinutes * MINUTE_MS;
  for (const session of sessionsFrom(spec, instant, -1)) {
    if (session.close + settle <= instant) return session;
  }
  return null;
}

/** The first session that opens strictly after `instant`. */
export function nextSession(code: string, instant: number): Session | null {
  const spec = specOrThrow(code);
  for (const session of sessionsFrom(spec, instant, 1)) if (session.open > instant) return session;
  return null;
}

/** The session with open <= instant < close, or null when the exchange is shut. */
export function sessionAt(code: string, instant: number): Session | null {
  const spec = specOrThrow(code);
  for (const session of sessionsFrom(spec, instant, 1)) {
    if (session.open > instant) return null;
    if (session.close > instant) return session;
  }
  return null;
}

/** A session as the API sends it: instants as ISO strings. */
export function sessionToJson(session: Session): {
  date: string;
  open: string;
  close: string;
  break_start: string | null;
  break_end: string | null;
} {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    date: session.date,
    open: iso(session.open),
    close: iso(session.close),
    break_start: session.break_start === null ? null : iso(session.break_start),
    break_end: session.break_end === null ? null : iso(session.break_end),
  };
}
