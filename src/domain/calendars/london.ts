/**
 * London Stock Exchange (XLON), 1990 on. Facts from exchange_calendars
 * (exchange_calendar_xlon.py), which follows the UK bank holidays (Banking and Financial
 * Dealings Act 1971 and the royal proclamations that move them) and LSE's trading notices.
 */
import {
  MON,
  TUE,
  easterSunday,
  hm,
  nthWeekday,
  previousFriday,
  weekday,
  weekendToMonday,
  ymd,
} from './day';
import { closure, oneOffsIn, type CalendarSpec, type Closure, type EarlyClose } from './spec';

/** Bank holidays moved or added by proclamation (exchange_calendar_xlon.py adhoc_holidays). */
const ONE_OFF: readonly { date: string; name: string }[] = [
  { date: '1995-05-08', name: 'VE Day 50th anniversary (Early May bank holiday moved)' },
  { date: '1999-12-31', name: 'Millennium Eve' },
  { date: '2002-06-03', name: 'Spring bank holiday (moved for the Golden Jubilee)' },
  { date: '2002-06-04', name: 'Golden Jubilee of Elizabeth II' },
  { date: '2011-04-29', name: 'Wedding of Prince William and Catherine Middleton' },
  { date: '2012-06-04', name: 'Spring bank holiday (moved for the Diamond Jubilee)' },
  { date: '2012-06-05', name: 'Diamond Jubilee of Elizabeth II' },
  { date: '2020-05-08', name: 'VE Day 75th anniversary (Early May bank holiday moved)' },
  { date: '2022-06-02', name: 'Spring bank holiday (moved for the Platinum Jubilee)' },
  { date: '2022-06-03', name: 'Platinum Jubilee of Elizabeth II' },
  { date: '2022-09-19', name: 'State Funeral of Queen Elizabeth II' },
  { date: '2023-05-08', name: 'Coronation of King Charles III' },
];

/**
 * Christmas and Boxing Day with the UK's substitute days: when either falls on a weekend the
 * holiday moves to the next weekday not already taken, which lands on the 27th or 28th on a
 * Monday or Tuesday (common_holidays.py weekend_christmas / weekend_boxing_day). XTSE uses it.
 */
export function christmasAndBoxingDay(year: number): Closure[] {
  const out = [
    closure(ymd(year, 12, 25), 'Christmas Day'),
    closure(ymd(year, 12, 26), 'Boxing Day'),
  ];
  const d27 = ymd(year, 12, 27);
  const d28 = ymd(year, 12, 28);
  if ([MON, TUE].includes(weekday(d27))) out.push(closure(d27, 'Christmas Day (substitute)'));
  if ([MON, TUE].includes(weekday(d28))) out.push(closure(d28, 'Boxing Day (substitute)'));
  return out;
}

function londonClosures(year: number): Closure[] {
  const easter = easterSunday(year);
  const out: Closure[] = [
    closure(weekendToMonday(ymd(year, 1, 1)), "New Year's Day"),
    closure(easter - 2, 'Good Friday'),
    closure(easter + 1, 'Easter Monday'),
    closure(nthWeekday(year, 8, MON, -1), 'Summer bank holiday'),
    ...christmasAndBoxingDay(year),
  ];
  // The early May bank holiday moved to VE Day in 1995 and 2020; the spring one to June in the
  // jubilee years 2002, 2012 and 2022 (both listed in ONE_OFF).
  if (year !== 1995 && year !== 2020) {
    out.push(closure(nthWeekday(year, 5, MON, 1), 'Early May bank holiday'));
  }
  if (year !== 2002 && year !== 2012 && year !== 2022) {
    out.push(closure(nthWeekday(year, 5, MON, -1), 'Spring bank holiday'));
  }
  out.push(...oneOffsIn(ONE_OFF, year));
  return out;
}

/** Christmas Eve and New Year's Eve close at 12:30, on the Friday before when on a weekend. */
function londonEarlyCloses(year: number): EarlyClose[] {
  return [
    { day: previousFriday(ymd(year, 12, 24)), name: 'Christmas Eve' },
    { day: previousFriday(ymd(year, 12, 31)), name: "New Year's Eve" },
  ];
}

export const XLON: CalendarSpec = {
  code: 'XLON',
  name: 'London Stock Exchange',
  timezone: 'Europe/London',
  suffixes: ['.L'],
  firstDate: '1990-01-01',
  lastDate: '2050-12-31',
  weekend: [5, 6],
  // 08:00-16:30 with a 12:30 close on half days (exchange_calendar_xlon.py). The 08:30 open
  // before SETS moved it to 08:00 on 1999-09-20 is our reading of LSE's announcements of
  // the time (exchange_calendars models 08:00 throughout): treat the first era as less sure.
  hours: [
    { from: '1990-01-01', open: hm('08:30'), close: hm('16:30'), earlyClose: hm('12:30') },
    { from: '1999-09-20', open: hm('08:00'), close: hm('16:30'), earlyClose: hm('12:30') },
  ],
  closures: londonClosures,
  earlyCloses: londonEarlyCloses,
};
