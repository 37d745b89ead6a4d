/**
 * Hong Kong Exchanges (XHKG), 1990 to 2049 (the end of the lunar tables). Holidays by the
 * General Holidays Ordinance (Cap. 149) as exchange_calendars models them
 * (exchange_calendar_xhkg.py): lunar festivals from tables, HKSAR holidays from 1997, Labour
 * Day and Buddha's Birthday from 1999, colonial holidays until 1997, and the typhoon and
 * other one-off closures. Half days (morning session only) on Christmas Eve, New Year's Eve
 * and, from 2013, Lunar New Year's Eve.
 */
import { MON, SAT, SUN, easterSunday, hm, nthWeekday, sundayToMonday, weekday, ymd } from './day';
import { LUNAR_FIRST_YEAR, LUNAR_TABLES } from './hong-kong-lunar';
import { closure, oneOffsIn, type CalendarSpec, type Closure, type EarlyClose } from './spec';

type Festival = keyof typeof LUNAR_TABLES;

/** The day of a lunar festival in a year (tables cover 1990-2049). */
export function festival(name: Festival, year: number): number {
  const i = (year - LUNAR_FIRST_YEAR) * 5;
  const mmdd = LUNAR_TABLES[name].slice(i, i + 4);
  return ymd(year, Number(mmdd.slice(0, 2)), Number(mmdd.slice(2, 4)));
}

/** Typhoon signal 8, black rainstorm and other whole-day closures (exchange_calendar_xhkg.py). */
const ONE_OFF: readonly { date: string; name: string }[] = [
  { date: '1991-06-18', name: "Day after the Queen's Birthday" },
  { date: '1992-07-22', name: 'Typhoon Cary' },
  { date: '1993-09-17', name: 'Typhoon Becky' },
  { date: '1994-06-14', name: "Day after the Queen's Birthday" },
  { date: '1997-06-30', name: "Queen's Birthday (handover)" },
  { date: '1997-07-02', name: 'Day after HKSAR Establishment Day' },
  { date: '1997-08-18', name: 'Sino-Japanese War Victory Day' },
  { date: '1997-10-02', name: 'Day after National Day' },
  { date: '1998-08-17', name: 'Sino-Japanese War Victory Day' },
  { date: '1998-10-02', name: 'Day after National Day' },
  { date: '1999-04-06', name: 'Day after Ching Ming Festival' },
  { date: '1999-09-16', name: 'Typhoon York' },
  { date: '1999-12-31', name: 'Millennium (Y2K)' },
  { date: '2001-07-06', name: 'Typhoon Utor' },
  { date: '2001-07-25', name: 'Typhoon Yutu' },
  { date: '2008-08-06', name: 'Typhoon Kammuri' },
  { date: '2008-08-22', name: 'Typhoon Nuri' },
  { date: '2010-04-06', name: 'Day after Easter Monday' },
  { date: '2011-09-29', name: 'Typhoon Nesat' },
  { date: '2012-10-02', name: 'Day after National Day' },
  { date: '2013-08-14', name: 'Typhoon Utor' },
  { date: '2015-04-07', name: 'Day after Easter Monday' },
  { date: '2015-09-03', name: '70th anniversary of the Sino-Japanese War victory' },
  { date: '2016-08-02', name: 'Typhoon Nida' },
  { date: '2016-10-21', name: 'Typhoon Haima' },
  { date: '2017-08-23', name: 'Typhoon Hato' },
  { date: '2020-10-13', name: 'Typhoon Nangka' },
  { date: '2021-10-13', name: 'Typhoon Kompasu' },
  { date: '2022-09-12', name: 'Day after Mid-Autumn Festival' },
  { date: '2023-07-17', name: 'Typhoon Talim' },
  { date: '2024-09-06', name: 'Typhoon Yagi' },
];

/** Queen's Birthday 1983-1996 (exchange_calendar_xhkg.py process_queen_birthday). */
function queensBirthday(year: number): number {
  const week = year === 1993 || year === 1994 ? 2 : 3;
  return nthWeekday(year, 6, MON, week);
}

function lunarNewYear(year: number): Closure[] {
  const day1 = festival('lunarNewYear', year);
  const out = [
    closure(day1, 'Lunar New Year'),
    closure(day1 + 1, 'Second day of Lunar New Year'),
    closure(day1 + 2, 'Third day of Lunar New Year'),
  ];
  // Until 2012 a first day on a Saturday took the eve instead; from 2013 a Sunday among the
  // three days adds the fourth.
  if (year < 2013 && weekday(day1) === SAT) out.push(closure(day1 - 1, "Lunar New Year's Eve"));
  if (year >= 2013 && [day1, day1 + 1, day1 + 2].some((d) => weekday(d) === SUN)) {
    out.push(closure(day1 + 3, 'Fourth day of Lunar New Year'));
  }
  return out;
}

function hongKongClosures(year: number): Closure[] {
  const easter = easterSunday(year);
  let chingMing = sundayToMonday(festival('chingMing', year));
  if (chingMing === easter + 1) chingMing += 1;
  let midAutumn = festival('midAutumn', year) + 1;
  if (midAutumn === ymd(year, 10, 1)) midAutumn += 1;
  const out: Closure[] = [
    closure(sundayToMonday(ymd(year, 1, 1)), "New Year's Day"),
    ...lunarNewYear(year),
    closure(chingMing, 'Ching Ming Festival'),
    closure(easter - 2, 'Good Friday'),
    closure(easter + 1, 'Easter Monday'),
    closure(sundayToMonday(festival('tuenNg', year)), 'Tuen Ng Festival'),
    closure(midAutumn, 'Day after Mid-Autumn Festival'),
    closure(sundayToMonday(festival('chungYeung', year)), 'Chung Yeung Festival'),
    closure(ymd(year, 12, 25), 'Christmas Day'),
    closure(ymd(year, 12, 26), 'Boxing Day'),
  ];
  const d27 = ymd(year, 12, 27);
  if ([0, 1].includes(weekday(d27))) out.push(closure(d27, 'Christmas holiday (substitute)'));
  if (year >= 1999) {
    out.push(closure(sundayToMonday(ymd(year, 5, 1)), 'Labour Day'));
    out.push(closure(sundayToMonday(festival('buddhasBirthday', year)), "Buddha's Birthday"));
  }
  if (year >= 1997) {
    out.push(closure(sundayToMonday(ymd(year, 7, 1)), 'HKSAR Establishment Day'));
    out.push(closure(sundayToMonday(ymd(year, 10, 1)), 'National Day'));
  } else {
    out.push(closure(queensBirthday(year), "Queen's Birthday"));
    out.push(closure(nthWeekday(year, 8, MON, -1), 'Liberation Day'));
  }
  out.push(...oneOffsIn(ONE_OFF, year));
  return out;
}

function hongKongEarlyCloses(year: number): EarlyClose[] {
  const out: EarlyClose[] = [
    { day: ymd(year, 12, 24), name: 'Christmas Eve' },
    { day: ymd(year, 12, 31), name: "New Year's Eve" },
  ];
  if (year >= 2013)
    out.push({ day: festival('lunarNewYear', year) - 1, name: "Lunar New Year's Eve" });
  return out;
}

export const XHKG: CalendarSpec = {
  code: 'XHKG',
  name: 'Hong Kong Exchanges',
  timezone: 'Asia/Hong_Kong',
  suffixes: ['.HK'],
  firstDate: '1990-01-01',
  lastDate: '2049-12-31',
  weekend: [5, 6],
  // HKEX's trading hours extension: phase 1 (2011-03-07) opened at 09:30 with a 12:00-13:30
  // break, phase 2 (2012-03-05) shortened the break to 12:00-13:00. Before, 10:00-12:30 and
  // 14:30-16:00. A half day ends with the morning session.
  hours: [
    {
      from: '1990-01-01',
      open: hm('10:00'),
      close: hm('16:00'),
      breakStart: hm('12:30'),
      breakEnd: hm('14:30'),
      earlyClose: hm('12:30'),
    },
    {
      from: '2011-03-07',
      open: hm('09:30'),
      close: hm('16:00'),
      breakStart: hm('12:00'),
      breakEnd: hm('13:30'),
      earlyClose: hm('12:00'),
    },
    {
      from: '2012-03-05',
      open: hm('09:30'),
      close: hm('16:00'),
      breakStart: hm('12:00'),
      breakEnd: hm('13:00'),
      earlyClose: hm('12:00'),
    },
  ],
  closures: hongKongClosures,
  earlyCloses: hongKongEarlyCloses,
};
