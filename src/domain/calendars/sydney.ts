/**
 * Australian Securities Exchange (XASX), 1990 on. Facts from exchange_calendars
 * (exchange_calendar_xasx.py), which follows ASX's yearly trading calendars.
 */
import {
  MON,
  easterSunday,
  hm,
  nthWeekday,
  previousFriday,
  sundayToMonday,
  weekdayOnOrAfter,
  weekendToMonday,
  ymd,
} from './day';
import { christmasAndBoxingDay } from './london';
import { closure, oneOffsIn, type CalendarSpec, type Closure, type EarlyClose } from './spec';

const ONE_OFF: readonly { date: string; name: string }[] = [
  { date: '1990-12-31', name: "New Year's Eve" },
  { date: '1999-12-31', name: 'Y2K testing' },
  // Anzac Day fell on Easter Monday.
  { date: '2011-04-26', name: 'Easter Tuesday' },
  { date: '2022-09-22', name: 'National Day of Mourning for Queen Elizabeth II' },
];

function sydneyClosures(year: number): Closure[] {
  const easter = easterSunday(year);
  const jan26 = ymd(year, 1, 26);
  const anzac = ymd(year, 4, 25);
  const out: Closure[] = [
    closure(weekendToMonday(ymd(year, 1, 1)), "New Year's Day"),
    closure(easter - 2, 'Good Friday'),
    closure(easter + 1, 'Easter Monday'),
    // Anzac Day is not moved off a weekend, except in 2010 (Sunday to Monday).
    closure(year === 2010 ? sundayToMonday(anzac) : anzac, 'Anzac Day'),
    closure(nthWeekday(year, 6, MON, 2), year >= 2023 ? "King's Birthday" : "Queen's Birthday"),
    ...christmasAndBoxingDay(year),
  ];
  // Australia Day: the Monday on or after January 26th until 1992, the day itself (moved off
  // a weekend) from 1994; exchange_calendars has no Australia Day for 1993.
  if (year <= 1992) out.push(closure(weekdayOnOrAfter(jan26, MON), 'Australia Day'));
  if (year >= 1994) out.push(closure(weekendToMonday(jan26), 'Australia Day'));
  out.push(...oneOffsIn(ONE_OFF, year));
  return out;
}

/** From 2010 the last trading days before Christmas and of the year close at 14:10. */
function sydneyEarlyCloses(year: number): EarlyClose[] {
  if (year < 2010) return [];
  return [
    { day: previousFriday(ymd(year, 12, 24)), name: 'Last trading day before Christmas' },
    { day: previousFriday(ymd(year, 12, 31)), name: 'Last trading day of the year' },
  ];
}

export const XASX: CalendarSpec = {
  code: 'XASX',
  name: 'Australian Securities Exchange',
  timezone: 'Australia/Sydney',
  suffixes: ['.AX'],
  firstDate: '1990-01-01',
  lastDate: '2050-12-31',
  weekend: [5, 6],
  hours: [{ from: '1990-01-01', open: hm('10:00'), close: hm('16:00'), earlyClose: hm('14:10') }],
  closures: sydneyClosures,
  earlyCloses: sydneyEarlyCloses,
};
