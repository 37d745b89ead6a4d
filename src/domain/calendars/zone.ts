/**
 * UTC offsets of the exchanges' zones, one per local date. Every exchange zone changes its
 * offset at night (01:00 to 03:00 local), outside trading hours, so one offset holds for all
 * of a date's session times; it is read at 12:00 UTC of that date, which in every zone from
 * UTC-5 to UTC+11 is after that date's transition hour. Kept here instead of importing
 * ../time-zone so that this module stands alone (Intl only).
 */
import { DAY_MS } from './day';

const FORMATTED = /^(\d+)\/(\d+)\/(\d+),? (\d+):(\d+):(\d+)$/;

interface Zone {
  format: Intl.DateTimeFormat;
  byDay: Map<number, number>;
}

const zones = new Map<string, Zone>();

function zoneOf(timezone: string): Zone {
  let zone = zones.get(timezone);
  if (!zone) {
    zone = {
      format: new Intl.DateTimeFormat('en-US', {
        timeZone: timezone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      }),
      byDay: new Map(),
    };
    zones.set(timezone, zone);
  }
  return zone;
}

function offsetAt(format: Intl.DateTimeFormat, instant: number): number {
  const date = new Date(instant);
  const m = FORMATTED.exec(format.format(date));
  if (m) return Date.UTC(+m[3]!, +m[1]! - 1, +m[2]!, +m[4]! % 24, +m[5]!, +m[6]!) - instant;
  const p: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
  for (const part of format.formatToParts(date)) p[part.type] = Number(part.value);
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour! % 24, p.minute!, p.second!) - instant;
}

function probeDay(zone: Zone, day: number): number {
  let offset = zone.byDay.get(day);
  if (offset === undefined) {
    offset = offsetAt(zone.format, day * DAY_MS + DAY_MS / 2);
    zone.byDay.set(day, offset);
  }
  return offset;
}

/**
 * The zone's UTC offset in ms during the daytime of local date `day`. Probes Intl on the
 * week's first days only (7 days apart): when both agree the whole week has their offset, as
 * no zone changes its offset and back within a week; otherwise the day itself is probed.
 */
export function offsetOnDay(timezone: string, day: number): number {
  if (timezone === 'UTC') return 0;
  const zone = zoneOf(timezone);
  const weekStart = Math.floor(day / 7) * 7;
  const before = probeDay(zone, weekStart);
  if (before === probeDay(zone, weekStart + 7)) return before;
  return probeDay(zone, day);
}
