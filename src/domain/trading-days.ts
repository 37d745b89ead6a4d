/**
 * Fire times that follow an exchange calendar: the `trading_days` schedule kind, and the
 * optional `calendar` of daily and cron schedules that skips days without a session. Pure
 * (the calendars module and Intl), used by the dispatcher and the browser's preview alike.
 */
import { getCalendar, isSession, sessionOn, type Session } from './calendars';
import { TRADING_TIME_PATTERN, type TradingDaysSchedule } from './job-definition';
import { DAY, MINUTE, addDays, isoDate, resolveWall, wallOf, zoneCache } from './time-zone';

type TradingTime =
  { anchor: 'wall'; minutes: number } | { anchor: 'open' | 'close'; minutes: number };

export function parseTradingTime(time: string): TradingTime {
  const m = TRADING_TIME_PATTERN.exec(time.trim());
  if (!m) throw new RangeError(`not a trading-day time: ${time}`);
  if (m[1] !== undefined) return { anchor: 'wall', minutes: Number(m[1]) * 60 + Number(m[2]) };
  const sign = m[4] === '-' ? -1 : 1;
  return { anchor: m[3] as 'open' | 'close', minutes: sign * Number(m[5]) };
}

/** A trading-day time on one session; early closes move `close±N` with them. */
export function fireOnSession(session: Session, time: TradingTime, timezone: string): number {
  if (time.anchor === 'open') return session.open + time.minutes * MINUTE;
  if (time.anchor === 'close') return session.close + time.minutes * MINUTE;
  const midnight = Date.parse(`${session.date}T00:00:00Z`);
  return resolveWall(zoneCache(timezone), midnight + time.minutes * MINUTE);
}

/** Offsets reach 720 minutes either way: a session's fires lie within half a day of it. */
const REACH = DAY / 2;
/** Longer than any run of days without a session (Tokyo's year-end plus a weekend is 6). */
const MAX_SCAN_DAYS = 400;

/**
 * Walks the calendar's dates from two days before the local date of `after`, keeping the
 * earliest fire after it; stops once a session opens more than half a day after the best so
 * far, since no later session can fire earlier. Null past the calendar's coverage.
 */
export function nextTradingDayFire(schedule: TradingDaysSchedule, after: number): number | null {
  const calendar = getCalendar(schedule.calendar);
  if (!calendar) return null;
  const times = schedule.times.map(parseTradingTime);
  let date = addDays(isoDate(wallOf(zoneCache(calendar.timezone), after)), -2);
  let best = Infinity;
  for (let i = 0; i < MAX_SCAN_DAYS && date <= calendar.last_date; i++, date = addDays(date, 1)) {
    if (date < calendar.first_date) continue;
    const session = sessionOn(calendar.code, date);
    if (!session) continue;
    if (session.open - REACH > best) break;
    for (const time of times) {
      const at = fireOnSession(session, time, calendar.timezone);
      if (at > after && at < best) best = at;
    }
  }
  return best === Infinity ? null : best;
}

/**
 * The first fire of `next` after `after` whose local date (in `timezone`) is a session of
 * `calendar`. A fire on a day without one resumes the search at the end of that local day,
 * so a per-minute cron skips a holiday in one step, not 1,440.
 */
export function nextOnSessions(
  calendar: string,
  timezone: string,
  after: number,
  next: (after: number) => number | null,
): number | null {
  const info = getCalendar(calendar);
  if (!info) return null;
  const cache = zoneCache(timezone);
  let cursor = after;
  for (let i = 0; i < MAX_SCAN_DAYS; i++) {
    const fire = next(cursor);
    if (fire === null) return null;
    const date = isoDate(wallOf(cache, fire));
    if (date > info.last_date) return null;
    if (isSession(info.code, date)) return fire;
    const nextMidnight = Date.parse(`${addDays(date, 1)}T00:00:00Z`);
    cursor = Math.max(fire, resolveWall(cache, nextMidnight) - 1);
  }
  return null;
}
