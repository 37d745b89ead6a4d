/**
 * Schedule math: the next fire instant of a daily or cron schedule, in an IANA zone, with the
 * contract's DST rules. Pure (croner and Intl only), so the browser previews fire times with
 * the same code the dispatcher runs.
 */
import { Cron } from 'croner';
import type { Schedule, Weekday } from './job-definition';

const SECOND = 1000;
const MINUTE = 60_000;
const DAY = 86_400_000;
const WEEK: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

// ---------------------------------------------------------------------------------------------
// Zone offsets
// ---------------------------------------------------------------------------------------------

/** An interval of instants, both ends included, over which a zone's UTC offset is constant. */
interface Span {
  start: number;
  end: number;
  offset: number;
}

interface ZoneCache {
  format: Intl.DateTimeFormat;
  spans: Span[];
}

const MAX_ZONES = 512;
const MAX_SPANS_PER_ZONE = 16;
/** How far a new span is probed each way, one probe a day. */
const SPAN_SCAN_DAYS = 35;

const zones = new Map<string, ZoneCache>();

function zoneCache(zone: string): ZoneCache {
  let cache = zones.get(zone);
  if (!cache) {
    if (zones.size >= MAX_ZONES) zones.delete(zones.keys().next().value!);
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    cache = { format, spans: [] };
    zones.set(zone, cache);
  }
  return cache;
}

const FORMATTED = /^(\d+)\/(\d+)\/(\d+),? (\d+):(\d+):(\d+)$/;

/** Wall clock of a whole-second instant, as the UTC instant showing the same digits. */
function wallOfSecond(format: Intl.DateTimeFormat, second: number): number {
  const date = new Date(second);
  const m = FORMATTED.exec(format.format(date));
  if (m) {
    return Date.UTC(+m[3]!, +m[1]! - 1, +m[2]!, +m[4]! % 24, +m[5]!, +m[6]!);
  }
  const p: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
  for (const part of format.formatToParts(date)) p[part.type] = Number(part.value);
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour! % 24, p.minute!, p.second!);
}

/** The offset straight from Intl. Offsets only change on whole seconds. */
function probe(cache: ZoneCache, instant: number): number {
  const second = Math.floor(instant / SECOND) * SECOND;
  return wallOfSecond(cache.format, second) - second;
}

/**
 * The first whole second in (lo, hi] whose offset differs from lo's, by bisection. Callers
 * pass bounds less than two days apart whose offsets differ, so there is one transition.
 */
function transitionAfter(cache: ZoneCache, lo: number, hi: number): number {
  const before = probe(cache, lo);
  let a = Math.floor(lo / SECOND);
  let b = Math.floor(hi / SECOND);
  while (b - a > 1) {
    const mid = Math.floor((a + b) / 2);
    if (probe(cache, mid * SECOND) === before) a = mid;
    else b = mid;
  }
  return b * SECOND;
}

/**
 * Probes a day at a time from `instant` up to SPAN_SCAN_DAYS each way; where the offset
 * changes, bisects to the exact transition. Assumes a zone never changes its offset and back
 * within one day, which holds for every tzdb zone.
 */
function buildSpan(cache: ZoneCache, instant: number): Span {
  const offset = probe(cache, instant);
  let start = instant;
  let end = instant;
  for (let i = 0; i < SPAN_SCAN_DAYS; i++) {
    if (probe(cache, end + DAY) !== offset) {
      end = transitionAfter(cache, end, end + DAY) - 1;
      break;
    }
    end += DAY;
  }
  for (let i = 0; i < SPAN_SCAN_DAYS; i++) {
    if (probe(cache, start - DAY) !== offset) {
      start = transitionAfter(cache, start - DAY, start);
      break;
    }
    start -= DAY;
  }
  return { start, end, offset };
}

/** The zone's UTC offset in ms at `instant`; Intl is consulted only when no cached span holds it. */
function offsetAt(cache: ZoneCache, instant: number): number {
  const spans = cache.spans;
  for (let i = spans.length - 1; i >= 0; i--) {
    const span = spans[i]!;
    if (instant >= span.start && instant <= span.end) return span.offset;
  }
  const span = buildSpan(cache, instant);
  if (spans.length >= MAX_SPANS_PER_ZONE) spans.shift();
  spans.push(span);
  return span.offset;
}

function wallOf(cache: ZoneCache, instant: number): number {
  return instant + offsetAt(cache, instant);
}

/**
 * The instant a wall time (given as the UTC instant with the same digits) fires at. Reads the
 * offsets a day either side: if they agree there is no transition near and the answer is plain.
 * Otherwise each reading gives a candidate instant, valid when the zone really has that offset
 * there. Two valid ones: the wall time repeats (fall-back), the earlier is taken. None: the wall
 * time falls in a spring-forward gap, and it fires at the transition itself, the first valid
 * instant after it (02:30 New York on its spring day fires at 03:00 EDT).
 */
function resolveWall(cache: ZoneCache, wall: number): number {
  const early = offsetAt(cache, wall - DAY);
  const late = offsetAt(cache, wall + DAY);
  if (early === late) return wall - early;
  const byEarly = wall - early;
  const byLate = wall - late;
  const earlyValid = offsetAt(cache, byEarly) === early;
  const lateValid = offsetAt(cache, byLate) === late;
  if (earlyValid && lateValid) return Math.min(byEarly, byLate);
  if (earlyValid) return byEarly;
  if (lateValid) return byLate;
  return transitionAfter(cache, byLate, byEarly);
}

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

function dayMask(days: readonly Weekday[]): number {
  let mask = 0;
  for (const day of days) mask |= 1 << WEEK.indexOf(day);
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
 * Vixie cron ORs day-of-month and day-of-week when both are restricted, and ANDs them when
 * either field starts with `*` (so `*\/2` counts as unrestricted). Croner ORs unless a field is
 * exactly `*`, so ask it for AND whenever a field starts with `*` or `?`.
 */
function vixieDomAndDow(expression: string): boolean {
  const fields = expression.trim().split(/\s+/);
  const [dom, dow] = fields.length === 6 ? [fields[3], fields[5]] : [fields[2], fields[4]];
  const star = (field: string | undefined) => field?.startsWith('*') || field?.startsWith('?');
  return Boolean(star(dom) || star(dow));
}

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

/** The first fire instant strictly after `after`, or null if the schedule never fires again. */
export function nextFireTime(schedule: Schedule, timezone: string, after: Date): Date | null {
  const cache = zoneCache(timezone);
  const ms =
    schedule.kind === 'daily'
      ? nextDaily(schedule.times, schedule.days, cache, after.getTime())
      : nextCron(schedule.expression, cache, after.getTime());
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

function isoDate(utcMidnightish: number): string {
  const d = new Date(utcMidnightish);
  const year = String(d.getUTCFullYear()).padStart(4, '0');
  const month = String(d.getUTCMonth() + 1).padStart(2, '0');
  const day = String(d.getUTCDate()).padStart(2, '0');
  return `${year}-${month}-${day}`;
}

/** "YYYY-MM-DD" of `instant` in `timezone`. */
export function zonedDateString(instant: Date, timezone: string): string {
  return isoDate(wallOf(zoneCache(timezone), instant.getTime()));
}

/** Calendar arithmetic on "YYYY-MM-DD"; `days` may be negative. */
export function addDays(date: string, days: number): string {
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(ms)) throw new RangeError(`not a date "YYYY-MM-DD": ${date}`);
  return isoDate(ms + days * DAY);
}

// ---------------------------------------------------------------------------------------------
// Words
// ---------------------------------------------------------------------------------------------

/** The city of an IANA zone: "America/New_York" is "New York"; "UTC" stays "UTC". */
export function zoneCity(timezone: string): string {
  return (timezone.split('/').pop() ?? timezone).replace(/_/g, ' ');
}

/** Short English names of the weekdays, for words and for the form's day toggles. */
export const WEEKDAY_LABELS: Record<Weekday, string> = {
  mon: 'Mon',
  tue: 'Tue',
  wed: 'Wed',
  thu: 'Thu',
  fri: 'Fri',
  sat: 'Sat',
  sun: 'Sun',
};

function describeDays(days: readonly Weekday[]): string {
  const mask = dayMask(days);
  if (mask === 0b1111111) return 'Every day';
  if (mask === 0b0011111) return 'Weekdays';
  if (mask === 0b1100000) return 'Weekends';
  return WEEK.filter((_, i) => mask & (1 << i))
    .map((d) => WEEKDAY_LABELS[d])
    .join(', ');
}

function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function every(step: string, unit: string): string {
  return step === '1' ? `Every ${unit}` : `Every ${step} ${unit}s`;
}

/** "*" or "*\/N": the step N ("1" for "*"), else null. */
function stepOf(field: string): string | null {
  if (field === '*') return '1';
  const m = /^\*\/(\d+)$/.exec(field);
  return m ? m[1]! : null;
}

const WEEKDAY_DOW = new Set(['1-5', 'mon-fri', 'MON-FRI']);
const WEEKEND_DOW = new Set(['0,6', '6,0', 'sat,sun', 'SAT,SUN', 'sun,sat', 'SUN,SAT']);

/** The few common cron shapes in words; anything else as "Cron <expression>". */
function describeCron(expression: string): string {
  const fields = expression.trim().split(/\s+/);
  const wildcards = (list: readonly (string | undefined)[]) => list.every((f) => f === '*');
  if (fields.length === 6) {
    const seconds = stepOf(fields[0]!);
    if (seconds && wildcards(fields.slice(1))) return every(seconds, 'second');
    if (fields[0] !== '0') return `Cron ${fields.join(' ')}`;
  }
  const [min = '', hour = '', dom, month, dow = ''] =
    fields.length === 6 ? fields.slice(1) : fields;
  const minuteStep = stepOf(min);
  if (minuteStep && wildcards([hour, dom, month, dow])) return every(minuteStep, 'minute');
  const hourStep = stepOf(hour);
  if (min === '0' && hourStep && wildcards([dom, month, dow])) return every(hourStep, 'hour');
  if (/^\d{1,2}$/.test(min) && /^\d{1,2}$/.test(hour) && wildcards([dom, month])) {
    const at = `${hour.padStart(2, '0')}:${min.padStart(2, '0')}`;
    if (dow === '*') return `Every day at ${at}`;
    if (WEEKDAY_DOW.has(dow)) return `Weekdays at ${at}`;
    if (WEEKEND_DOW.has(dow)) return `Weekends at ${at}`;
  }
  return `Cron ${fields.join(' ')}`;
}

/** Human words for a schedule: "Weekdays at 09:30 and 16:05, New York". */
export function describeSchedule(schedule: Schedule, timezone: string): string {
  const city = zoneCity(timezone);
  if (schedule.kind === 'cron') return `${describeCron(schedule.expression)}, ${city}`;
  const times = [...schedule.times].sort();
  return `${describeDays(schedule.days)} at ${listWords(times)}, ${city}`;
}
