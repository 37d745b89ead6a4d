/**
 * What a calendar is made of: its identity, its hours per era, and the closures and early
 * closes its rules give for a year. Each exchange file exports one `CalendarSpec`; the engine
 * (sessions.ts) turns specs into sessions.
 */
import { dayOf } from './day';

/** Regular hours from a date on, as minutes after local midnight of the session's date. */
export interface HoursEra {
  /** First date ("YYYY-MM-DD") these hours apply to. */
  from: string;
  open: number;
  close: number;
  breakStart?: number;
  breakEnd?: number;
  /** The close of an early-close day, unless the rule gives its own. */
  earlyClose?: number;
}

/** A whole day without a session (reported only when it falls on a weekday). */
export interface Closure {
  day: number;
  name: string;
}

export interface EarlyClose {
  day: number;
  name: string;
  /** Minutes after local midnight; defaults to the era's `earlyClose`. */
  close?: number;
}

/** A session on a day the exchange is normally shut (a weekend trading day). */
export interface ExtraSession {
  day: number;
  name: string;
}

export interface CalendarSpec {
  code: string;
  name: string;
  timezone: string;
  suffixes: readonly string[];
  firstDate: string;
  lastDate: string;
  /** Weekdays (0 Mon .. 6 Sun) with no regular session. */
  weekend: readonly number[];
  /** Sorted by `from`; the first one starts on or before `firstDate`. */
  hours: readonly HoursEra[];
  closures(year: number): Closure[];
  earlyCloses?(year: number): EarlyClose[];
  extraSessions?: readonly ExtraSession[];
}

/** Helpers that keep the rule files short: a dated closure or early close. */
export function closure(day: number, name: string): Closure {
  return { day, name };
}

/** One-off closures: a table's entries dated in `year`. */
export function oneOffsIn(
  table: readonly { date: string; name: string }[],
  year: number,
): Closure[] {
  const prefix = `${year}-`;
  return table
    .filter((entry) => entry.date.startsWith(prefix))
    .map((entry) => closure(dayOf(entry.date), entry.name));
}
