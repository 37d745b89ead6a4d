/**
 * Toronto Stock Exchange (XTSE), 1990 on. Facts from exchange_calendars
 * (exchange_calendar_xtse.py), which follows TMX's yearly holiday notices.
 */
import {
  MON,
  easterSunday,
  hm,
  nthWeekday,
  weekday,
  weekdayOnOrBefore,
  weekendToMonday,
  ymd,
} from './day';
import { christmasAndBoxingDay } from './london';
import { closure, type CalendarSpec, type Closure, type EarlyClose } from './spec';

function torontoClosures(year: number): Closure[] {
  const out: Closure[] = [
    closure(weekendToMonday(ymd(year, 1, 1)), "New Year's Day"),
    closure(easterSunday(year) - 2, 'Good Friday'),
    // The Monday before May 25th.
    closure(weekdayOnOrBefore(ymd(year, 5, 24), MON), 'Victoria Day'),
    closure(weekendToMonday(ymd(year, 7, 1)), 'Canada Day'),
    closure(nthWeekday(year, 8, MON, 1), 'Civic Holiday'),
    closure(nthWeekday(year, 9, MON, 1), 'Labour Day'),
    closure(nthWeekday(year, 10, MON, 2), 'Thanksgiving Day'),
    ...christmasAndBoxingDay(year),
  ];
  // Ontario's Family Day from 2008.
  if (year >= 2008) out.push(closure(nthWeekday(year, 2, MON, 3), 'Family Day'));
  if (year === 2001) {
    out.push(closure(ymd(2001, 9, 11), 'September 11 attacks'));
    out.push(closure(ymd(2001, 9, 12), 'September 11 attacks'));
  }
  return out;
}

/** From 2010, Christmas Eve on a weekday closes at 13:00. */
function torontoEarlyCloses(year: number): EarlyClose[] {
  const eve = ymd(year, 12, 24);
  return year >= 2010 && weekday(eve) < 5 ? [{ day: eve, name: 'Christmas Eve' }] : [];
}

export const XTSE: CalendarSpec = {
  code: 'XTSE',
  name: 'Toronto Stock Exchange',
  timezone: 'America/Toronto',
  suffixes: ['.TO'],
  firstDate: '1990-01-01',
  lastDate: '2050-12-31',
  weekend: [5, 6],
  hours: [{ from: '1990-01-01', open: hm('09:30'), close: hm('16:00'), earlyClose: hm('13:00') }],
  closures: torontoClosures,
  earlyCloses: torontoEarlyCloses,
};
