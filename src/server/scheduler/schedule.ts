/**
 * Schedule math: the next fire instant of a daily or cron schedule, in an IANA zone, with the
 * contract's DST rules. Pure (croner and Intl only), so the browser previews fire times with
 * the same code the dispatcher runs.
 */
import { Cron } from 'croner';
import { WEEKDAYS, type Schedule, type Weekday } from './job-definition';

const MINUTE = 60_000;
const DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The wall-clock time of `ms` in `zone`, expressed as if that wall time were UTC. */
function wallOf(ms: number, zone: string): number {
  const p: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return wall + (((ms % 1000) + 1000) % 1000);
}

function offsetAt(ms: number, zone: string): number {
  return wallOf(ms, zone) - ms;
}

/**
 * The instant a wall time `wall` (as fake UTC) happens in `zone`. Of a wall time that occurs
 * twice (fall-back), the first occurrence. Of one that does not exist (spring-forward gap),
 * the first valid instant after it: the transition itself, found by bisection.
 */
export function resolveWallTime(wall: number, zone: string): number {
  const before = offsetAt(wall - DAY, zone);
  const after = offsetAt(wall + DAY, zone);
  const candidates: number[] = [];
  for (const off of before === after ? [before] : [before, after]) {
    const instant = wall - off;
    if (wallOf(instant, zone) === wall) candidates.push(instant);
  }
  if (candidates.length > 0) return Math.min(...candidates);
  // In a gap: both readings land after the transition or before it; bisect between them.
  let lo = Math.min(wall - before, wall - after);
  let hi = Math.max(wall - before, wall - after);
  const loOff = offsetAt(lo, zone);
  while (hi - lo > 1000) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetAt(mid, zone) === loOff) lo = mid;
    else hi = mid;
  }
  return hi;
}

function weekdayOf(wallDay: number): Weekday {
  // 1970-01-01 was a Thursday; WEEKDAYS starts on Monday.
  const index = (Math.floor(wallDay / DAY) + 3) % 7;
  return WEEKDAYS[(index + 7) % 7]!;
}

function minutesOf(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

function nextDaily(
  times: string[],
  days: readonly Weekday[],
  zone: string,
  after: number,
): number | null {
  const startDay = Math.floor(wallOf(after, zone) / DAY) * DAY - DAY;
  const sorted = times.map(minutesOf).sort((a, b) => a - b);
  for (let day = startDay; day <= startDay + 9 * DAY; day += DAY) {
    if (!days.includes(weekdayOf(day))) continue;
    for (const minutes of sorted) {
      const instant = resolveWallTime(day + minutes * MINUTE, zone);
      if (instant > after) return instant;
    }
  }
  return null;
}

const crons = new Map<string, Cron>();
function cronOf(expression: string): Cron {
  let cron = crons.get(expression);
  if (!cron) {
    if (crons.size > 5000) crons.clear();
    cron = new Cron(expression, { timezone: 'UTC', paused: true });
    crons.set(expression, cron);
  }
  return cron;
}

/**
 * Walks the cron's matching wall times (croner, on a UTC clock standing for the zone's wall
 * clock) from the wall time of `after`, and resolves each in the zone: times in a gap collapse
 * onto the transition and fire once; times of the repeated hour fire at their first occurrence.
 */
function nextCron(expression: string, zone: string, after: number): number | null {
  const cron = cronOf(expression);
  let wall = wallOf(after, zone);
  for (let i = 0; i < 10_000; i++) {
    const next = cron.nextRun(new Date(wall));
    if (!next) return null;
    wall = next.getTime();
    const instant = resolveWallTime(wall, zone);
    if (instant > after) return instant;
  }
  return null;
}

/** The first fire instant strictly after `after`, or null if the schedule never fires again. */
export function nextFireTime(schedule: Schedule, timezone: string, after: Date): Date | null {
  const ms =
    schedule.kind === 'daily'
      ? nextDaily(schedule.times, schedule.days, timezone, after.getTime())
      : nextCron(schedule.expression, timezone, after.getTime());
  return ms === null ? null : new Date(ms);
}

export function nextFireTimes(
  schedule: Schedule,
  timezone: string,
  after: Date,
  count: number,
): Date[] {
  const out: Date[] = [];
  let cursor = after;
  while (out.length < count) {
    const next = nextFireTime(schedule, timezone, cursor);
    if (!next) break;
    out.push(next);
    cursor = next;
  }
  return out;
}

/** "YYYY-MM-DD" of `instant` in `timezone`. */
export function zonedDateString(instant: Date, timezone: string): string {
  return new Date(wallOf(instant.getTime(), timezone)).toISOString().slice(0, 10);
}

/** Calendar arithmetic on "YYYY-MM-DD". */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

export function zoneCity(timezone: string): string {
  if (timezone === 'UTC' || timezone === 'Etc/UTC') return 'UTC';
  return (timezone.split('/').pop() ?? timezone).replace(/_/g, ' ');
}

const DAY_NAMES: Record<Weekday, string> = {
  mon: 'Mon',
  tue: 'Tue',
  wed: 'Wed',
  thu: 'Thu',
  fri: 'Fri',
  sat: 'Sat',
  sun: 'Sun',
};

function describeDays(days: readonly Weekday[]): string {
  const set = new Set(days);
  if (set.size === 7) return 'Every day';
  if (set.size === 5 && !set.has('sat') && !set.has('sun')) return 'Weekdays';
  if (set.size === 2 && set.has('sat') && set.has('sun')) return 'Weekends';
  return WEEKDAYS.filter((d) => set.has(d))
    .map((d) => DAY_NAMES[d])
    .join(', ');
}

function describeCron(expression: string): string {
  const f = expression.trim().split(/\s+/);
  if (f.length === 6 && /^\*\/(\d+)$/.test(f[0]!) && f.slice(1).every((x) => x === '*')) {
    return `Every ${f[0]!.slice(2)} seconds`;
  }
  const five = f.length === 6 ? f.slice(1) : f;
  const [min, hour, dom, mon, dow] = five;
  if (f.length === 5 || f[0] === '0') {
    if (/^\*\/(\d+)$/.test(min!) && hour === '*' && dom === '*' && mon === '*' && dow === '*') {
      return `Every ${min!.slice(2)} minutes`;
    }
    if (min === '*' && hour === '*' && dom === '*' && mon === '*' && dow === '*')
      return 'Every minute';
    if (/^\d+$/.test(min!) && /^\d+$/.test(hour!) && dom === '*' && mon === '*') {
      const at = `${hour!.padStart(2, '0')}:${min!.padStart(2, '0')}`;
      if (dow === '*') return `Every day at ${at}`;
      if (dow === '1-5') return `Weekdays at ${at}`;
    }
  }
  return `Cron ${expression.trim()}`;
}

/** Human words for a schedule: "Weekdays at 17:00, New York". */
export function describeSchedule(schedule: Schedule, timezone: string): string {
  const city = zoneCity(timezone);
  if (schedule.kind === 'cron') return `${describeCron(schedule.expression)}, ${city}`;
  const times = schedule.times;
  const list =
    times.length <= 1 ? (times[0] ?? '') : `${times.slice(0, -1).join(', ')} and ${times.at(-1)}`;
  return `${describeDays(schedule.days)} at ${list}, ${city}`;
}
