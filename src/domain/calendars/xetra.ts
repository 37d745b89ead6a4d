/**
 * Xetra (XETR), Deutsche Börse's electronic market, from its launch on 1997-11-28. Holidays
 * from exchange_calendars (exchange_calendar_xetr.py), which follows Deutsche Börse's yearly
 * trading calendars: Xetra trades on some German public holidays and dropped others as
 * closures over time (Whit Monday closed only 2007 and 2015-2021, Day of German Unity closed
 * only 2014-2021; both are trading days again from 2022).
 */
import { dayOf, easterSunday, hm, previousWorkday, ymd } from './day';
import { closure, type CalendarSpec, type Closure, type EarlyClose } from './spec';

function xetraClosures(year: number): Closure[] {
  const easter = easterSunday(year);
  const out: Closure[] = [
    closure(ymd(year, 1, 1), "New Year's Day"),
    closure(easter - 2, 'Good Friday'),
    closure(easter + 1, 'Easter Monday'),
    closure(ymd(year, 5, 1), 'Labour Day'),
    closure(ymd(year, 12, 24), 'Christmas Eve'),
    closure(ymd(year, 12, 25), 'Christmas Day'),
    closure(ymd(year, 12, 26), 'Boxing Day'),
    closure(ymd(year, 12, 31), "New Year's Eve"),
  ];
  if (year === 2007 || (year >= 2015 && year <= 2021)) {
    out.push(closure(easter + 50, 'Whit Monday'));
  }
  if (year >= 2014 && year <= 2021) out.push(closure(ymd(year, 10, 3), 'Day of German Unity'));
  if (year === 2017) out.push(closure(dayOf('2017-10-31'), 'Reformation Day (500th anniversary)'));
  return out;
}

/** From 2010 the last trading day before New Year's Eve closes at 14:00. */
function xetraEarlyCloses(year: number): EarlyClose[] {
  if (year < 2010) return [];
  return [{ day: previousWorkday(ymd(year, 12, 31)), name: 'Last trading day of the year' }];
}

export const XETR: CalendarSpec = {
  code: 'XETR',
  name: 'Xetra (Deutsche Börse)',
  timezone: 'Europe/Berlin',
  suffixes: ['.DE'],
  firstDate: '1997-11-28',
  lastDate: '2050-12-31',
  weekend: [5, 6],
  // 09:00-17:30 since 2003-11-03 (exchange_calendar_xetr.py). Before: 08:30-17:00 from the
  // launch and 09:00-20:00 from 1999-09-20 are our reading of Deutsche Börse's announcements
  // of the time; exchange_calendars models 09:00-17:30 throughout.
  hours: [
    { from: '1997-11-28', open: hm('08:30'), close: hm('17:00'), earlyClose: hm('14:00') },
    { from: '1999-09-20', open: hm('09:00'), close: hm('20:00'), earlyClose: hm('14:00') },
    { from: '2003-11-03', open: hm('09:00'), close: hm('17:30'), earlyClose: hm('14:00') },
  ],
  closures: xetraClosures,
  earlyCloses: xetraEarlyCloses,
};
