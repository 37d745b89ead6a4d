/**
 * NYSE (XNYS) and Nasdaq (XNAS), 1990 on. Facts from the exchange_calendars project
 * (gerrymanoim/exchange_calendars, exchange_calendar_xnys.py and us_holidays.py, which derive
 * them from NYSE's historical closings list), checked against NYSE Rule 7.2 (holidays) and
 * NYSE's yearly holiday notices. Nasdaq observes the same holidays, closures and early
 * closes (Nasdaq Equity Rules, General 3 "Holidays"), so both use one rule set.
 */
import {
  FRI,
  MON,
  THU,
  TUE,
  WED,
  dayOf,
  easterSunday,
  hm,
  nearestWorkday,
  nthWeekday,
  sundayToMonday,
  weekday,
  ymd,
} from './day';
import { closure, type CalendarSpec, type Closure, type EarlyClose } from './spec';

/** Observed on a weekday: the name says so when the date moved. */
function observed(name: string, actual: number, rule: (day: number) => number): Closure {
  const day = rule(actual);
  return closure(day, day === actual ? name : `${name} (observed)`);
}

/**
 * One-off closures (us_holidays.py: USNationalDaysofMourning, September11Closings,
 * HurricaneSandyClosings). Hurricane Gloria (1985-09-27) predates the range.
 */
const ONE_OFF_CLOSURES: readonly [string, string][] = [
  ['1994-04-27', 'National Day of Mourning for Richard Nixon'],
  ['2001-09-11', 'September 11 attacks'],
  ['2001-09-12', 'September 11 attacks'],
  ['2001-09-13', 'September 11 attacks'],
  ['2001-09-14', 'September 11 attacks'],
  ['2004-06-11', 'National Day of Mourning for Ronald Reagan'],
  ['2007-01-02', 'National Day of Mourning for Gerald Ford'],
  ['2012-10-29', 'Hurricane Sandy'],
  ['2012-10-30', 'Hurricane Sandy'],
  ['2018-12-05', 'National Day of Mourning for George H. W. Bush'],
  ['2025-01-09', 'National Day of Mourning for Jimmy Carter'],
];

export function nyseClosures(year: number): Closure[] {
  const out: Closure[] = [
    // New Year's Day moves from Sunday to Monday only: on a Saturday it is not observed on the
    // Friday before, which would close the old year's last day (NYSE Rule 7.2, the year-end
    // exception; us_holidays.py USNewYearsDay uses sunday_to_monday).
    observed("New Year's Day", ymd(year, 1, 1), sundayToMonday),
    closure(nthWeekday(year, 2, MON, 3), "Washington's Birthday"),
    closure(easterSunday(year) - 2, 'Good Friday'),
    closure(nthWeekday(year, 5, MON, -1), 'Memorial Day'),
    observed('Independence Day', ymd(year, 7, 4), nearestWorkday),
    closure(nthWeekday(year, 9, MON, 1), 'Labor Day'),
    closure(nthWeekday(year, 11, THU, 4), 'Thanksgiving Day'),
    observed('Christmas Day', ymd(year, 12, 25), nearestWorkday),
  ];
  // Martin Luther King Jr. Day from 1998 (us_holidays.py USMartinLutherKingJrAfter1998).
  if (year >= 1998) out.push(closure(nthWeekday(year, 1, MON, 3), 'Martin Luther King Jr. Day'));
  // Juneteenth from 2022 (NYSE notice of 2021-12; us_holidays.py USJuneteenth).
  if (year >= 2022) {
    out.push(observed('Juneteenth National Independence Day', ymd(year, 6, 19), nearestWorkday));
  }
  for (const [iso, name] of ONE_OFF_CLOSURES) {
    if (iso.startsWith(String(year))) out.push(closure(dayOf(iso), name));
  }
  return out;
}

/**
 * Early closes (exchange_calendar_xnys.py special_closes): 13:00 from 1993, 14:00 before.
 * July 3rd on a Monday, Tuesday or Thursday from 1995, on a Wednesday from 2013; July 5th on a
 * Friday 1995 to 2012; the day after Thanksgiving from 1992; Christmas Eve Monday to Thursday;
 * and the one-off 1997-12-26, 1999-12-31, 2003-12-26.
 */
export function nyseEarlyCloses(year: number): EarlyClose[] {
  const out: EarlyClose[] = [];
  const close = year >= 1993 ? hm('13:00') : hm('14:00');
  const july3 = ymd(year, 7, 3);
  const july5 = ymd(year, 7, 5);
  if (year >= 1995 && [MON, TUE, THU].includes(weekday(july3))) {
    out.push({ day: july3, name: 'Day before Independence Day', close });
  }
  if (year >= 2013 && weekday(july3) === WED) {
    out.push({ day: july3, name: 'Day before Independence Day', close });
  }
  if (year >= 1995 && year <= 2012 && weekday(july5) === FRI) {
    out.push({ day: july5, name: 'Day after Independence Day', close });
  }
  if (year >= 1992) {
    out.push({ day: nthWeekday(year, 11, THU, 4) + 1, name: 'Day after Thanksgiving', close });
  }
  const eve = ymd(year, 12, 24);
  if (weekday(eve) <= THU) out.push({ day: eve, name: 'Christmas Eve', close });
  for (const iso of ['1997-12-26', '1999-12-31', '2003-12-26']) {
    if (iso.startsWith(String(year))) out.push({ day: dayOf(iso), name: 'Holiday season', close });
  }
  return out;
}

const US_HOURS = [{ from: '1990-01-01', open: hm('09:30'), close: hm('16:00') }];

export const XNYS: CalendarSpec = {
  code: 'XNYS',
  name: 'New York Stock Exchange',
  timezone: 'America/New_York',
  suffixes: [''],
  firstDate: '1990-01-01',
  lastDate: '2050-12-31',
  weekend: [5, 6],
  hours: US_HOURS,
  closures: nyseClosures,
  earlyCloses: nyseEarlyCloses,
};

export const XNAS: CalendarSpec = {
  ...XNYS,
  code: 'XNAS',
  name: 'Nasdaq',
  suffixes: [],
};
