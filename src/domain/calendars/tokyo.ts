/**
 * Tokyo Stock Exchange (XTKS), 1990 on. Japan's national holidays by the Act on National
 * Holidays (国民の祝日に関する法律) with its amendments: Happy Monday moves (2000, 2003),
 * Showa Day (2007), Mountain Day (2016), the Olympic moves of 2020 and 2021, the 2019
 * enthronement; substitute holidays (a holiday on a Sunday moves to the next day, from 2007 to
 * the next day that is not a holiday) and citizens' holidays (a day between two holidays).
 * TSE adds its year-end closure, December 31st to January 3rd. Cross-checked against
 * exchange_calendars (exchange_calendar_xtks.py, xtks_holidays.py), whose equinox tables the
 * tests compare with the formula below.
 */
import { MON, SUN, hm, nthWeekday, weekday, ymd } from './day';
import { closure, oneOffsIn, type CalendarSpec, type Closure } from './spec';

/**
 * Equinox days by the approximation used for Japan's calendar (valid 1980-2099, after the
 * National Astronomical Observatory's published dates): day of March / September.
 */
export function vernalEquinox(year: number): number {
  const y = year - 1980;
  return ymd(year, 3, Math.floor(20.8431 + 0.242194 * y - Math.floor(y / 4)));
}

export function autumnalEquinox(year: number): number {
  const y = year - 1980;
  return ymd(year, 9, Math.floor(23.2488 + 0.242194 * y - Math.floor(y / 4)));
}

const ONE_OFF: readonly { date: string; name: string }[] = [
  { date: '1990-11-12', name: 'Enthronement Ceremony of Emperor Akihito' },
  { date: '1993-06-09', name: 'Wedding of Crown Prince Naruhito' },
  { date: '2019-04-30', name: 'Abdication Day' },
  { date: '2019-05-01', name: 'Accession Day' },
  { date: '2019-10-22', name: 'Enthronement Ceremony of Emperor Naruhito' },
];

/** The national holidays of a year before substitute and citizens' holidays. */
function nationalHolidays(year: number): Closure[] {
  const out: Closure[] = [
    closure(ymd(year, 1, 1), "New Year's Day"),
    closure(year < 2000 ? ymd(year, 1, 15) : nthWeekday(year, 1, MON, 2), 'Coming of Age Day'),
    closure(ymd(year, 2, 11), 'National Foundation Day'),
    closure(vernalEquinox(year), 'Vernal Equinox Day'),
    closure(ymd(year, 4, 29), year < 2007 ? 'Greenery Day' : 'Showa Day'),
    closure(ymd(year, 5, 3), 'Constitution Memorial Day'),
    closure(ymd(year, 5, 5), "Children's Day"),
    closure(
      year < 2003 ? ymd(year, 9, 15) : nthWeekday(year, 9, MON, 3),
      'Respect for the Aged Day',
    ),
    closure(autumnalEquinox(year), 'Autumnal Equinox Day'),
    closure(ymd(year, 11, 3), 'Culture Day'),
    closure(ymd(year, 11, 23), 'Labour Thanksgiving Day'),
  ];
  if (year >= 2007) out.push(closure(ymd(year, 5, 4), 'Greenery Day'));
  if (year >= 1996) {
    const marine =
      year === 2020
        ? ymd(2020, 7, 23)
        : year === 2021
          ? ymd(2021, 7, 22)
          : year < 2003
            ? ymd(year, 7, 20)
            : nthWeekday(year, 7, MON, 3);
    out.push(closure(marine, 'Marine Day'));
  }
  if (year >= 2016) {
    const mountain =
      year === 2020 ? ymd(2020, 8, 10) : year === 2021 ? ymd(2021, 8, 9) : ymd(year, 8, 11);
    out.push(closure(mountain, 'Mountain Day'));
  }
  const sports =
    year === 2020
      ? ymd(2020, 7, 24)
      : year === 2021
        ? ymd(2021, 7, 23)
        : year < 2000
          ? ymd(year, 10, 10)
          : nthWeekday(year, 10, MON, 2);
  out.push(closure(sports, year < 2020 ? 'Health and Sports Day' : 'Sports Day'));
  if (year <= 2018) out.push(closure(ymd(year, 12, 23), "Emperor's Birthday"));
  if (year >= 2020) out.push(closure(ymd(year, 2, 23), "Emperor's Birthday"));
  out.push(...oneOffsIn(ONE_OFF, year));
  return out;
}

export function japaneseHolidays(year: number): Closure[] {
  const base = nationalHolidays(year);
  const taken = new Set(base.map((c) => c.day));
  const out = [...base];
  // Citizens' holiday: a weekday other than Sunday between two national holidays.
  for (const c of base) {
    const between = c.day + 1;
    if (
      taken.has(c.day) &&
      taken.has(between + 1) &&
      !taken.has(between) &&
      weekday(between) !== SUN
    ) {
      out.push(closure(between, "Citizens' Holiday"));
    }
  }
  for (const c of out) taken.add(c.day);
  // Substitute holiday for a national holiday on a Sunday: the Monday until 2006, from 2007
  // the first following day that is not a holiday (which is how 2019-05-06 and 2008-05-06
  // are holidays).
  for (const c of base) {
    if (weekday(c.day) !== SUN) continue;
    let sub = c.day + 1;
    if (year >= 2007) while (taken.has(sub)) sub++;
    if (!taken.has(sub)) {
      taken.add(sub);
      out.push(closure(sub, `${c.name} (substitute holiday)`));
    }
  }
  return out;
}

function tokyoClosures(year: number): Closure[] {
  return [
    ...japaneseHolidays(year),
    // Year-end and New Year closure (TSE Business Regulations, Rule 15).
    closure(ymd(year, 1, 2), 'New Year holiday'),
    closure(ymd(year, 1, 3), 'New Year holiday'),
    closure(ymd(year, 12, 31), 'Year-end holiday'),
    ...(year === 2020 ? [closure(ymd(2020, 10, 1), 'Equity trading system failure')] : []),
  ];
}

export const XTKS: CalendarSpec = {
  code: 'XTKS',
  name: 'Tokyo Stock Exchange',
  timezone: 'Asia/Tokyo',
  suffixes: ['.T'],
  firstDate: '1990-01-01',
  lastDate: '2050-12-31',
  weekend: [5, 6],
  // Morning session to 11:00 until 2011-11-18, to 11:30 from 2011-11-21 (JPX notice on the
  // shortened lunch break); the afternoon closes at 15:30 from 2024-11-05 (JPX arrowhead 4.0;
  // exchange_calendar_xtks.py close_times).
  hours: [
    {
      from: '1990-01-01',
      open: hm('09:00'),
      close: hm('15:00'),
      breakStart: hm('11:00'),
      breakEnd: hm('12:30'),
    },
    {
      from: '2011-11-21',
      open: hm('09:00'),
      close: hm('15:00'),
      breakStart: hm('11:30'),
      breakEnd: hm('12:30'),
    },
    {
      from: '2024-11-05',
      open: hm('09:00'),
      close: hm('15:30'),
      breakStart: hm('11:30'),
      breakEnd: hm('12:30'),
    },
  ],
  closures: tokyoClosures,
};
