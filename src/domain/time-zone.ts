/**
 * Zone arithmetic on instants: a zone's UTC offset at an instant (cached by the spans over which
 * it is constant), wall clock of an instant, the instant of a wall time under the contract's DST
 * rules, and calendar dates. Pure (Intl only): the browser and the server share it.
 */

export const SECOND = 1000;
export const MINUTE = 60_000;
export const DAY = 86_400_000;

// ---------------------------------------------------------------------------------------------
// Zone offsets
// ---------------------------------------------------------------------------------------------

/** An interval of instants, both ends included, over which a zone's UTC offset is constant. */
interface Span {
  start: number;
  end: number;
  offset: number;
}

export interface ZoneCache {
  format: Intl.DateTimeFormat;
  spans: Span[];
}

const MAX_ZONES = 512;
const MAX_SPANS_PER_ZONE = 16;
/** How far a new span is probed each way, one probe a day. */
const SPAN_SCAN_DAYS = 35;

const zones = new Map<string, ZoneCache>();

export function zoneCache(zone: string): ZoneCache {
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
export function transitionAfter(cache: ZoneCache, lo: number, hi: number): number {
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
export function offsetAt(cache: ZoneCache, instant: number): number {
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

export function wallOf(cache: ZoneCache, instant: number): number {
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
export function resolveWall(cache: ZoneCache, wall: number): number {
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

export function isoDate(utcMidnightish: number): string {
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
