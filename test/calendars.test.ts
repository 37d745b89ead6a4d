import { describe, expect, it } from 'vitest';
import {
  CalendarError,
  calendarForSymbol,
  earlyCloses,
  getCalendar,
  holidays,
  isSession,
  lastClosedSession,
  listCalendars,
  nextSession,
  sessionAt,
  sessionOn,
  sessions,
  sessionToJson,
} from '../src/domain/calendars';
import { autumnalEquinox, vernalEquinox } from '../src/domain/calendars/tokyo';
import { wallTime } from './support/time';

/** The holiday name of a date, or undefined when it is not a holiday. */
function holidayName(code: string, date: string): string | undefined {
  return holidays(code, date, date)[0]?.name;
}

function earlyClose(code: string, date: string): string | undefined {
  const e = earlyCloses(code, date, date)[0];
  if (!e) return undefined;
  return wallTime(new Date(e.close), getCalendar(code)!.timezone);
}

function hours(code: string, date: string): string {
  const s = sessionOn(code, date);
  if (!s) return 'closed';
  const zone = getCalendar(code)!.timezone;
  const w = (ms: number | null) => (ms === null ? '' : wallTime(new Date(ms), zone));
  const lunch = s.break_start === null ? '' : ` break ${w(s.break_start)}-${w(s.break_end)}`;
  return `${w(s.open)}-${w(s.close)}${lunch}`;
}

describe('XNYS', () => {
  it('does not observe a Saturday New Year on the Friday before (year-end exception)', () => {
    for (const friday of ['2010-12-31', '2021-12-31']) {
      expect(isSession('XNYS', friday)).toBe(true);
      expect(hours('XNYS', friday)).toBe('09:30-16:00');
    }
    expect(holidays('XNYS', '2010-12-27', '2011-01-07')).toEqual([]);
    // On a Sunday it moves to Monday.
    expect(holidayName('XNYS', '2017-01-02')).toBe("New Year's Day (observed)");
  });

  it('closes for Juneteenth from 2022 only', () => {
    expect(isSession('XNYS', '2021-06-18')).toBe(true);
    expect(holidayName('XNYS', '2022-06-20')).toBe(
      'Juneteenth National Independence Day (observed)',
    );
    expect(holidayName('XNYS', '2023-06-19')).toBe('Juneteenth National Independence Day');
    expect(holidayName('XNYS', '2026-06-19')).toBe('Juneteenth National Independence Day');
  });

  it('closes on Good Friday, Thanksgiving and the observed July 4th and Christmas', () => {
    expect(holidayName('XNYS', '2024-03-29')).toBe('Good Friday');
    expect(holidayName('XNYS', '1990-04-13')).toBe('Good Friday');
    expect(holidayName('XNYS', '2024-11-28')).toBe('Thanksgiving Day');
    expect(holidayName('XNYS', '2020-07-03')).toBe('Independence Day (observed)');
    expect(holidayName('XNYS', '2021-12-24')).toBe('Christmas Day (observed)');
    expect(holidayName('XNYS', '1997-01-20')).toBeUndefined(); // MLK day only from 1998
    expect(holidayName('XNYS', '1998-01-19')).toBe('Martin Luther King Jr. Day');
  });

  it('has the one-off closures', () => {
    for (const date of ['2001-09-11', '2001-09-12', '2001-09-13', '2001-09-14']) {
      expect(holidayName('XNYS', date)).toBe('September 11 attacks');
    }
    expect(isSession('XNYS', '2001-09-17')).toBe(true);
    expect(holidayName('XNYS', '2012-10-29')).toBe('Hurricane Sandy');
    expect(holidayName('XNYS', '2012-10-30')).toBe('Hurricane Sandy');
    expect(holidayName('XNYS', '2025-01-09')).toMatch(/Carter/);
    expect(holidayName('XNYS', '2018-12-05')).toMatch(/Bush/);
    expect(holidayName('XNYS', '2007-01-02')).toMatch(/Ford/);
    expect(holidayName('XNYS', '2004-06-11')).toMatch(/Reagan/);
    expect(holidayName('XNYS', '1994-04-27')).toMatch(/Nixon/);
  });

  it('closes early after Thanksgiving, on Christmas Eve and around July 4th', () => {
    expect(earlyClose('XNYS', '2024-11-29')).toBe('13:00');
    expect(hours('XNYS', '2024-11-27')).toBe('09:30-16:00');
    expect(earlyClose('XNYS', '2024-12-24')).toBe('13:00');
    expect(earlyClose('XNYS', '2023-07-03')).toBe('13:00'); // a Monday
    expect(earlyClose('XNYS', '2019-07-03')).toBe('13:00'); // a Wednesday, from 2013
    expect(earlyClose('XNYS', '2008-07-03')).toBe('13:00'); // a Thursday
    expect(earlyClose('XNYS', '2009-07-03')).toBeUndefined(); // July 4th observed that Friday
    expect(earlyClose('XNYS', '2003-12-26')).toBe('13:00');
    expect(earlyClose('XNYS', '1999-12-31')).toBe('13:00');
    expect(earlyClose('XNYS', '1991-12-24')).toBe('14:00'); // 14:00 before 1993
    expect(earlyClose('XNYS', '2021-12-24')).toBeUndefined(); // closed: Christmas observed
    expect(earlyCloses('XNYS', '2025-01-01', '2025-12-31').map((e) => e.date)).toEqual([
      '2025-07-03',
      '2025-11-28',
      '2025-12-24',
    ]);
  });

  it('XNAS has the same sessions', () => {
    expect(sessions('XNAS', '2000-01-01', '2030-12-31')).toEqual(
      sessions('XNYS', '2000-01-01', '2030-12-31'),
    );
  });
});

describe('XLON', () => {
  it('moves Christmas and Boxing Day off the weekend', () => {
    // 2021: Christmas on Saturday, Boxing Day on Sunday.
    expect(holidayName('XLON', '2021-12-27')).toBe('Christmas Day (substitute)');
    expect(holidayName('XLON', '2021-12-28')).toBe('Boxing Day (substitute)');
    // 2022: Christmas on Sunday, Boxing Day on Monday.
    expect(holidayName('XLON', '2022-12-26')).toBe('Boxing Day');
    expect(holidayName('XLON', '2022-12-27')).toBe('Christmas Day (substitute)');
    // 2020: Boxing Day on Saturday.
    expect(holidayName('XLON', '2020-12-28')).toBe('Boxing Day (substitute)');
  });

  it('moves bank holidays for jubilees, VE Day, the coronation and the funeral', () => {
    expect(holidayName('XLON', '2022-05-30')).toBeUndefined();
    expect(holidayName('XLON', '2022-06-02')).toMatch(/Spring bank holiday/);
    expect(holidayName('XLON', '2022-06-03')).toMatch(/Platinum Jubilee/);
    expect(holidayName('XLON', '2012-06-05')).toMatch(/Diamond Jubilee/);
    expect(holidayName('XLON', '2002-06-04')).toMatch(/Golden Jubilee/);
    expect(holidayName('XLON', '2020-05-04')).toBeUndefined();
    expect(holidayName('XLON', '2020-05-08')).toMatch(/VE Day/);
    expect(holidayName('XLON', '2023-05-08')).toBe('Coronation of King Charles III');
    expect(holidayName('XLON', '2023-05-01')).toBe('Early May bank holiday');
    expect(holidayName('XLON', '2022-09-19')).toBe('State Funeral of Queen Elizabeth II');
    expect(holidayName('XLON', '2011-04-29')).toMatch(/Wedding/);
  });

  it('closes at 12:30 on Christmas Eve and New Year’s Eve, the Friday before on weekends', () => {
    expect(earlyClose('XLON', '2024-12-24')).toBe('12:30');
    expect(earlyClose('XLON', '2022-12-23')).toBe('12:30'); // Eve on a Saturday
    expect(earlyClose('XLON', '2023-12-29')).toBe('12:30'); // New Year's Eve on a Sunday
    expect(hours('XLON', '2024-07-01')).toBe('08:00-16:30');
  });
});

describe('XETR', () => {
  it('dropped Whit Monday and German Unity Day as holidays from 2022', () => {
    expect(holidayName('XETR', '2021-05-24')).toBe('Whit Monday');
    expect(isSession('XETR', '2022-06-06')).toBe(true);
    expect(isSession('XETR', '2012-05-28')).toBe(true); // traded before 2015 too
    expect(holidayName('XETR', '2007-05-28')).toBe('Whit Monday');
    expect(holidayName('XETR', '2018-10-03')).toBe('Day of German Unity');
    expect(isSession('XETR', '2023-10-03')).toBe(true);
    expect(holidayName('XETR', '2017-10-31')).toMatch(/Reformation/);
  });

  it('closes on Christmas Eve and New Year’s Eve, early on the day before', () => {
    expect(holidayName('XETR', '2024-12-24')).toBe('Christmas Eve');
    expect(holidayName('XETR', '2024-12-31')).toBe("New Year's Eve");
    expect(earlyClose('XETR', '2024-12-30')).toBe('14:00');
    expect(hours('XETR', '2024-12-30')).toBe('09:00-14:00');
    expect(hours('XETR', '2024-06-03')).toBe('09:00-17:30');
  });

  it('had other hours before 2003-11-03', () => {
    expect(hours('XETR', '2003-10-31')).toBe('09:00-20:00');
    expect(hours('XETR', '2003-11-03')).toBe('09:00-17:30');
    expect(() => sessions('XETR', '1997-01-01', '1997-12-31')).toThrow(/starts on 1997-11-28/);
  });
});

describe('XTSE and XASX', () => {
  it('follow the Canadian holidays', () => {
    expect(holidayName('XTSE', '2024-05-20')).toBe('Victoria Day');
    expect(holidayName('XTSE', '2024-02-19')).toBe('Family Day');
    expect(holidayName('XTSE', '2007-02-19')).toBeUndefined();
    expect(holidayName('XTSE', '2023-07-03')).toBe('Canada Day');
    expect(holidayName('XTSE', '2024-10-14')).toBe('Thanksgiving Day');
    expect(earlyClose('XTSE', '2024-12-24')).toBe('13:00');
  });

  it('follow the Australian holidays and 14:10 closes', () => {
    expect(holidayName('XASX', '2024-01-26')).toBe('Australia Day');
    expect(holidayName('XASX', '2011-04-26')).toBe('Easter Tuesday');
    expect(holidayName('XASX', '2024-06-10')).toBe("King's Birthday");
    expect(holidayName('XASX', '2022-09-22')).toMatch(/Queen Elizabeth/);
    expect(earlyClose('XASX', '2024-12-24')).toBe('14:10');
    expect(earlyClose('XASX', '2024-12-31')).toBe('14:10');
    expect(hours('XASX', '2024-07-01')).toBe('10:00-16:00');
  });
});

describe('XTKS', () => {
  it('closes from December 31st to January 3rd', () => {
    for (const date of ['2024-12-31', '2025-01-01', '2025-01-02', '2025-01-03']) {
      expect(isSession('XTKS', date)).toBe(false);
      expect(holidayName('XTKS', date)).toBeDefined();
    }
    expect(isSession('XTKS', '2024-12-30')).toBe(true);
    expect(isSession('XTKS', '2025-01-06')).toBe(true);
  });

  it('closes for all of 2019’s ten-day Golden Week', () => {
    expect(sessions('XTKS', '2019-04-27', '2019-05-06')).toEqual([]);
    expect(holidays('XTKS', '2019-04-29', '2019-05-06').map((h) => h.name)).toEqual([
      'Showa Day',
      'Abdication Day',
      'Accession Day',
      "Citizens' Holiday",
      'Constitution Memorial Day',
      "Children's Day (substitute holiday)",
    ]);
    expect(isSession('XTKS', '2019-05-07')).toBe(true);
  });

  it('moves holidays by Happy Monday rules and substitutes Sunday holidays', () => {
    expect(holidayName('XTKS', '2024-01-08')).toBe('Coming of Age Day');
    expect(holidayName('XTKS', '1999-01-15')).toBe('Coming of Age Day');
    expect(holidayName('XTKS', '2024-02-12')).toMatch(/substitute/); // Feb 11 on a Sunday
    expect(holidayName('XTKS', '2020-07-24')).toBe('Sports Day'); // moved for the Olympics
    expect(holidayName('XTKS', '2015-09-22')).toBe("Citizens' Holiday"); // Silver Week
    expect(holidayName('XTKS', '2008-05-06')).toMatch(/substitute/); // May 4 on a Sunday
  });

  it('has the equinox days of the reference tables, moved off Sundays', () => {
    // exchange_calendars xtks_holidays.py VernalEquinoxes / AutumnalEquinoxes, 1997-2030
    // (dates as observed: 1999-03-22 is the Monday after a Sunday equinox).
    const vernal =
      '0320 0321 0322 0320 0320 0321 0321 0320 0321 0321 0321 0320 0320 0322 0321 0320 0320 ' +
      '0321 0321 0321 0320 0321 0321 0320 0320 0321 0321 0320 0320 0320 0322 0320 0320 0320';
    const autumnal =
      '0923 0923 0923 0923 0924 0923 0923 0923 0923 0923 0924 0923 0923 0923 0923 0922 0923 ' +
      '0923 0923 0922 0923 0924 0923 0922 0923 0923 0923 0923 0923 0923 0923 0922 0924 0923';
    for (const [table, name] of [
      [vernal, /Vernal Equinox Day/],
      [autumnal, /Autumnal Equinox Day/],
    ] as const) {
      table.split(' ').forEach((mmdd, i) => {
        const date = `${1997 + i}-${mmdd.slice(0, 2)}-${mmdd.slice(2)}`;
        // A Saturday equinox is no holiday to list: the exchange is shut anyway.
        if (new Date(`${date}T00:00:00Z`).getUTCDay() === 6) return;
        expect(holidayName('XTKS', date) ?? `no holiday on ${date}`).toMatch(name);
      });
    }
    expect(new Date(vernalEquinox(1990) * 86_400_000).toISOString()).toMatch(/^1990-03-21/);
    expect(new Date(autumnalEquinox(1990) * 86_400_000).toISOString()).toMatch(/^1990-09-23/);
  });

  it('has a lunch break and the 15:30 close from 2024-11-05', () => {
    expect(hours('XTKS', '2024-11-01')).toBe('09:00-15:00 break 11:30-12:30');
    expect(hours('XTKS', '2024-11-05')).toBe('09:00-15:30 break 11:30-12:30');
    expect(hours('XTKS', '2010-06-01')).toBe('09:00-15:00 break 11:00-12:30');
  });
});

describe('XHKG', () => {
  it('closes for the lunar festivals', () => {
    expect(holidays('XHKG', '2023-01-20', '2023-01-27').map((h) => h.date)).toEqual([
      '2023-01-23',
      '2023-01-24',
      '2023-01-25',
    ]);
    expect(holidayName('XHKG', '2024-02-13')).toBe('Fourth day of Lunar New Year');
    expect(holidayName('XHKG', '2023-04-05')).toBe('Ching Ming Festival');
    expect(holidayName('XHKG', '2023-05-26')).toBe("Buddha's Birthday");
    expect(holidayName('XHKG', '2023-06-22')).toBe('Tuen Ng Festival');
    expect(holidayName('XHKG', '2023-09-30')).toBeUndefined(); // a Saturday
    expect(holidayName('XHKG', '2023-10-02')).toBe('National Day'); // Oct 1 a Sunday
    expect(holidayName('XHKG', '2023-10-23')).toBe('Chung Yeung Festival');
    expect(holidayName('XHKG', '2024-09-18')).toBe('Day after Mid-Autumn Festival');
    expect(holidayName('XHKG', '1998-05-01')).toBeUndefined(); // Labour Day from 1999
  });

  it('trades half days with no lunch break', () => {
    expect(hours('XHKG', '2024-12-24')).toBe('09:30-12:00');
    expect(hours('XHKG', '2024-02-09')).toBe('09:30-12:00'); // Lunar New Year's Eve
    expect(hours('XHKG', '2024-02-08')).toBe('09:30-16:00 break 12:00-13:00');
    expect(hours('XHKG', '2010-06-01')).toBe('10:00-16:00 break 12:30-14:30');
    expect(hours('XHKG', '2009-12-24')).toBe('10:00-12:30');
  });

  it('has the typhoon closures', () => {
    expect(holidayName('XHKG', '2023-07-17')).toBe('Typhoon Talim');
    expect(holidayName('XHKG', '2017-08-23')).toBe('Typhoon Hato');
  });
});

describe('XBOM and XNSE', () => {
  it('use the yearly lists from 1997 to 2026', () => {
    expect(getCalendar('XBOM')).toMatchObject({
      first_date: '1997-01-01',
      last_date: '2026-12-31',
    });
    expect(holidayName('XBOM', '2024-01-22')).toBe('Ram Mandir inauguration');
    expect(holidayName('XBOM', '2024-01-26')).toBe('Republic Day');
    expect(holidayName('XBOM', '2023-08-15')).toBe('Independence Day');
    expect(holidayName('XNSE', '2024-03-08')).toBe('Trading holiday');
    expect(holidays('XBOM', '2024-01-01', '2024-12-31')).toHaveLength(17);
    expect(isSession('XBOM', '2024-01-20')).toBe(true); // a special Saturday session
    expect(hours('XNSE', '2024-06-03')).toBe('09:15-15:30');
    expect(() => sessions('XBOM', '2027-01-01', '2027-01-31')).toThrow(CalendarError);
  });
});

describe('around-the-clock calendars', () => {
  it('24/7 has a session every UTC day, 24/5 from Sunday 17:00 New York to Friday 17:00', () => {
    expect(sessions('24/7', '2024-03-09', '2024-03-10').map(sessionToJson)).toEqual([
      {
        date: '2024-03-09',
        open: '2024-03-09T00:00:00.000Z',
        close: '2024-03-10T00:00:00.000Z',
        break_start: null,
        break_end: null,
      },
      {
        date: '2024-03-10',
        open: '2024-03-10T00:00:00.000Z',
        close: '2024-03-11T00:00:00.000Z',
        break_start: null,
        break_end: null,
      },
    ]);
    const fx = sessions('24/5', '2024-03-09', '2024-03-11').map(sessionToJson);
    expect(fx).toEqual([
      {
        date: '2024-03-11',
        open: '2024-03-10T21:00:00.000Z', // Sunday 17:00 EDT, the day DST began
        close: '2024-03-11T21:00:00.000Z',
        break_start: null,
        break_end: null,
      },
    ]);
    expect(getCalendar('24-7')?.code).toBe('24/7');
  });
});

describe('symbols and freshness', () => {
  it('finds the calendar of a symbol by suffix, or by the exchange the provider reported', () => {
    const cases: [string, string][] = [
      ['AAPL', 'XNYS'],
      ['^GSPC', 'XNYS'],
      ['BRK.B', 'XNYS'],
      ['VOD.L', 'XLON'],
      ['SAP.DE', 'XETR'],
      ['RY.TO', 'XTSE'],
      ['BHP.AX', 'XASX'],
      ['7203.T', 'XTKS'],
      ['0700.HK', 'XHKG'],
      ['RELIANCE.BO', 'XBOM'],
      ['RELIANCE.NS', 'XNSE'],
      ['BTC-USD', '24/7'],
      ['EURUSD=X', '24/5'],
    ];
    for (const [symbol, code] of cases) expect(calendarForSymbol(symbol), symbol).toBe(code);
    expect(calendarForSymbol('MSFT', 'NMS')).toBe('XNAS');
    expect(calendarForSymbol('MSFT', 'unknown')).toBe('XNYS');
  });

  it('knows the last closed session and the next one', () => {
    // Friday 2024-11-29 17:00 New York: the early close (13:00) is over.
    const friday = Date.parse('2024-11-29T22:00:00Z');
    expect(lastClosedSession('XNYS', friday)?.date).toBe('2024-11-29');
    // With 300 minutes to settle, 13:00 + 5h = 18:00 has not come: Wednesday's is the last.
    expect(lastClosedSession('XNYS', friday, 300)?.date).toBe('2024-11-27');
    expect(nextSession('XNYS', friday)?.date).toBe('2024-12-02');
    // During Tokyo's lunch break the session is still in progress.
    const lunch = Date.parse('2024-06-03T03:00:00Z');
    expect(sessionAt('XTKS', lunch)?.date).toBe('2024-06-03');
    expect(sessionAt('XNYS', lunch)).toBeNull();
    expect(nextSession('XNYS', Date.parse('2060-01-01T00:00:00Z'))).toBeNull();
  });

  it('rejects unknown codes and bad ranges, naming the argument', () => {
    const error = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as CalendarError;
      }
      throw new Error('did not throw');
    };
    expect(error(() => sessions('XXXX', '2024-01-01', '2024-01-02'))).toMatchObject({
      kind: 'unknown_calendar',
      field: 'code',
    });
    expect(error(() => sessions('XNYS', '1980-01-01', '1980-02-01'))).toMatchObject({
      kind: 'bad_range',
      field: 'start',
    });
    expect(error(() => sessions('XNYS', '1990-01-01', '2041-01-01'))).toMatchObject({
      kind: 'bad_range',
      field: 'end',
    });
    expect(error(() => sessions('XNYS', '2024-02-30', '2024-03-01'))).toMatchObject({
      field: 'start',
    });
    expect(listCalendars().map((c) => c.code)).toEqual([
      'XNYS',
      'XNAS',
      'XLON',
      'XETR',
      'XTSE',
      'XASX',
      'XTKS',
      'XHKG',
      'XBOM',
      'XNSE',
      '24/7',
      '24/5',
    ]);
  });
});
