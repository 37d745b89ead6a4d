/**
 * Schedule math: the next fire instant of a daily, cron or trading-days schedule, in an IANA
 * zone, with the contract's DST rules. Pure (croner, the calendars module and Intl), so the
 * browser previews fire times with the same code the dispatcher runs.
 */
import { Cron } from 'croner';
import { vixieDomAndDow } from './cron-rules';
import { WEEKDAYS, type Schedule, type Weekday } from './job-definition';
import {
  DAY,
  MINUTE,
  SECOND,
  offsetAt,
  resolveWall,
  transitionAfter,
  wallOf,
  zoneCache,
  type ZoneCache,
} from './time-zone';
import { nextOnSessions, nextTradingDayFire } from './trading-days';

// ---------------------------------------------------------------------------------------------
// Daily schedules
// ---------------------------------------------------------------------------------------------

function minutesOfDay(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

/** Monday-first index (0 to 6) of the wall day starting at `wallDay` (a UTC midnight). */
function weekdayIndex(wallDay: number): number {
  // 1970-01-01 was a Thursday, index 3.
  return (((Math.floor(wallDay / DAY) + 3) % 7) + 7) % 7;
}

export function dayMask(days: readonly Weekday[]): number {
  let mask = 0;
  for (const day of days) mask |= 1 << WEEKDAYS.indexOf(day);
  return mask;
}

/**
 * Walks wall days from the wall date of `after`. Wall times up to the wall time of `after`
 * resolve to `after` or earlier, so they are skipped unresolved. Eight days cover a full week
 * plus the rest of the starting day.
 */
function nextDaily(
  times: readonly string[],
  days: readonly Weekday[],
  cache: ZoneCache,
  after: number,
): number | null {
  const mask = dayMask(days);
  if (mask === 0 || times.length === 0) return null;
  const minutes = times.map(minutesOfDay).sort((a, b) => a - b);
  const wallAfter = wallOf(cache, after);
  const firstDay = Math.floor(wallAfter / DAY) * DAY;
  for (let day = firstDay; day <= firstDay + 7 * DAY; day += DAY) {
    if ((mask & (1 << weekdayIndex(day))) === 0) continue;
    for (const m of minutes) {
      const wall = day + m * MINUTE;
      if (wall <= wallAfter) continue;
      const instant = resolveWall(cache, wall);
      if (instant > after) return instant;
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Cron schedules
// ---------------------------------------------------------------------------------------------

interface CronEntry {
  cron: Cron;
  /** Croner found no match after this wall time, so none after any later one either. */
  exhaustedFrom: number;
}

const MAX_CRONS = 2000;
const MAX_CRON_STEPS = 1000;
const crons = new Map<string, CronEntry>();

/**
 * Cron objects run on a fixed UTC+0 clock that stands for the zone's wall clock, so croner
 * lists every matching wall time with no DST handling of its own (and runs ~8x faster than
 * with a named zone); `resolveWall` then applies the contract's rules. Keyed by expression
 * alone, as the objects are zone-independent.
 */
function cronEntry(expression: string): CronEntry {
  let entry = crons.get(expression);
  if (!entry) {
    if (crons.size >= MAX_CRONS) crons.delete(crons.keys().next().value!);
    const cron = new Cron(expression.trim(), {
      paused: true,
      utcOffset: 0,
      domAndDow: vixieDomAndDow(expression),
    });
    entry = { cron, exhaustedFrom: Infinity };
    crons.set(expression, entry);
  }
  return entry;
}

/**
 * When `after` lies in the second pass of a repeated hour, every wall time of that hour fired
 * already in the first pass. Returns the last whole-second wall time of that hour, so the walk
 * resumes just past it instead of stepping through it (3,600 steps for a per-second cron).
 */
function lastRepeatedWall(cache: ZoneCache, firstPass: number, after: number): number {
  const firstOffset = offsetAt(cache, firstPass);
  if (firstOffset === offsetAt(cache, after)) return -Infinity;
  return transitionAfter(cache, firstPass, after) + firstOffset - SECOND;
}

/**
 * Walks croner's matching wall times from the wall time of `after`, resolving each in the
 * zone: wall times in a spring-forward gap all land on the transition and so fire once there;
 * wall times of a repeated hour resolve to their first pass only.
 */
function nextCron(expression: string, cache: ZoneCache, after: number): number | null {
  const entry = cronEntry(expression);
  let wall = wallOf(cache, after);
  for (let step = 0; step < MAX_CRON_STEPS; step++) {
    if (wall >= entry.exhaustedFrom) return null;
    const next = entry.cron.nextRun(new Date(wall));
    if (!next) {
      entry.exhaustedFrom = wall;
      return null;
    }
    wall = next.getTime();
    const instant = resolveWall(cache, wall);
    if (instant > after) return instant;
    wall = Math.max(wall, lastRepeatedWall(cache, instant, after));
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/**
 * The first fire instant strictly after `after`, or null if the schedule never fires again (an
 * `after` schedule never fires on a clock). A
 * trading-days schedule runs in its calendar's zone whatever `timezone` says; a daily or cron
 * schedule with a `calendar` skips the days (in `timezone`) without a session.
 */
export function nextFireTime(schedule: Schedule, timezone: string, after: Date): Date | null {
  let ms: number | null;
  // An `after` schedule runs when its upstream jobs finish, never on a clock.
  if (schedule.kind === 'after') return null;
  if (schedule.kind === 'trading_days') {
    ms = nextTradingDayFire(schedule, after.getTime());
  } else {
    const cache = zoneCache(timezone);
    const next =
      schedule.kind === 'daily'
        ? (t: number) => nextDaily(schedule.times, schedule.days, cache, t)
        : (t: number) => nextCron(schedule.expression, cache, t);
    ms = schedule.calendar
      ? nextOnSessions(schedule.calendar, timezone, after.getTime(), next)
      : next(after.getTime());
  }
  return ms === null ? null : new Date(ms);
}

/** Up to `count` fire instants after `after`, strictly increasing. */
export function nextFireTimes(
  schedule: Schedule,
  timezone: string,
  after: Date,
  count: number,
): Date[] {
  const out: Date[] = [];
  let cursor: Date | null = after;
  while (out.length < count) {
    cursor = nextFireTime(schedule, timezone, cursor);
    if (!cursor) break;
    out.push(cursor);
  }
  return out;
}
