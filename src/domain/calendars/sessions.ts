/**
 * The engine: a calendar's sessions, holidays and early closes for one year, computed from its
 * spec once and cached (per calendar and year), and converted to UTC through the zone's offset
 * of each date.
 */
import { DAY_MS, MINUTE_MS, dayOfIso, isoOfDay, weekday, ymd } from './day';
import type { CalendarSpec, HoursEra } from './spec';
import { offsetOnDay } from './zone';

/** One trading session; instants are UTC epoch milliseconds. */
export interface Session {
  /** The session's date, "YYYY-MM-DD", in the exchange's zone. */
  date: string;
  open: number;
  close: number;
  break_start: number | null;
  break_end: number | null;
}

export interface Holiday {
  date: string;
  name: string;
}

export interface EarlyCloseDay {
  date: string;
  /** The early close, UTC epoch milliseconds. */
  close: number;
  name: string;
}

export interface YearOfSessions {
  sessions: Session[];
  /** Index into `sessions` by day number. */
  byDay: Map<number, number>;
  holidays: Holiday[];
  earlyCloses: EarlyCloseDay[];
}

function eraOf(spec: CalendarSpec, iso: string): HoursEra {
  let era = spec.hours[0]!;
  for (const candidate of spec.hours) if (candidate.from <= iso) era = candidate;
  return era;
}

const cache = new Map<string, Map<number, YearOfSessions>>();

function buildYear(spec: CalendarSpec, year: number): YearOfSessions {
  const first = Math.max(ymd(year, 1, 1), dayOfIso(spec.firstDate)!);
  const last = Math.min(ymd(year, 12, 31), dayOfIso(spec.lastDate)!);
  // A rule of one year can land in the next or the previous one (New Year's Day observed on
  // December 31st, where a calendar does that): read the neighbours' rules too.
  const closed = new Map<number, string>();
  const early = new Map<number, { name: string; close?: number }>();
  for (const y of [year, year - 1, year + 1]) {
    for (const c of spec.closures(y)) if (!closed.has(c.day)) closed.set(c.day, c.name);
    for (const e of spec.earlyCloses?.(y) ?? []) if (!early.has(e.day)) early.set(e.day, e);
  }
  const extra = new Map((spec.extraSessions ?? []).map((s) => [s.day, s.name]));
  const weekend = new Set(spec.weekend);

  const out: YearOfSessions = { sessions: [], byDay: new Map(), holidays: [], earlyCloses: [] };
  for (let day = first; day <= last; day++) {
    const iso = isoOfDay(day);
    const name = closed.get(day);
    const isWeekend = weekend.has(weekday(day)) && !extra.has(day);
    if (isWeekend) continue;
    if (name !== undefined) {
      out.holidays.push({ date: iso, name });
      continue;
    }
    const era = eraOf(spec, iso);
    const offset = (d: number) => offsetOnDay(spec.timezone, d);
    // A time may lie outside the date (24/5 opens at 17:00 New York the evening before): the
    // offset is read on the local date the time falls on.
    const at = (minutes: number) => {
      const wall = day * DAY_MS + minutes * MINUTE_MS;
      return wall - offset(Math.floor(wall / DAY_MS));
    };
    const earlyClose = early.get(day);
    const closeMinutes = earlyClose ? (earlyClose.close ?? era.earlyClose ?? era.close) : era.close;
    // A half day that ends by the lunch break is the morning session alone.
    const hasBreak =
      era.breakStart !== undefined && era.breakEnd !== undefined && closeMinutes > era.breakStart;
    const session: Session = {
      date: iso,
      open: at(era.open),
      close: at(closeMinutes),
      break_start: hasBreak ? at(era.breakStart!) : null,
      break_end: hasBreak ? at(era.breakEnd!) : null,
    };
    out.byDay.set(day, out.sessions.length);
    out.sessions.push(session);
    if (earlyClose && closeMinutes < era.close) {
      out.earlyCloses.push({ date: iso, close: session.close, name: earlyClose.name });
    }
  }
  return out;
}

/** The year's sessions of a calendar, built on first use and kept. */
export function yearOfSessions(spec: CalendarSpec, year: number): YearOfSessions {
  let years = cache.get(spec.code);
  if (!years) {
    years = new Map();
    cache.set(spec.code, years);
  }
  let data = years.get(year);
  if (!data) {
    data = buildYear(spec, year);
    years.set(year, data);
  }
  return data;
}

/** Forgets every cached year (benchmarks measure cold computation with it). */
export function clearSessionCache(): void {
  cache.clear();
}
