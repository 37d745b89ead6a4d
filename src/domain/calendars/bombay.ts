/**
 * BSE (XBOM) and NSE (XNSE): one session list. Holidays are the exchanges' yearly lists
 * (bombay-holidays.ts, 1997-2026); the lists carry no names, so the fixed-date national
 * holidays are named by date and the rest are "Trading holiday".
 */
import { dayOf, hm, ymd } from './day';
import { BOMBAY_HOLIDAYS } from './bombay-holidays';
import { closure, type CalendarSpec, type Closure } from './spec';

const BY_DATE: Readonly<Record<string, string>> = {
  '0126': 'Republic Day',
  '0414': 'Dr. Baba Saheb Ambedkar Jayanti',
  '0501': 'Maharashtra Day',
  '0815': 'Independence Day',
  '1002': 'Mahatma Gandhi Jayanti',
  '1225': 'Christmas',
};

/** Named in the reference project's comments. */
const NAMED: Readonly<Record<string, string>> = {
  '2024-01-22': 'Ram Mandir inauguration',
  '2024-05-20': 'Parliamentary elections',
  '2024-11-20': 'Maharashtra assembly elections',
};

function bombayClosures(year: number): Closure[] {
  const list = BOMBAY_HOLIDAYS[year];
  if (!list) return [];
  return list.split(' ').map((mmdd) => {
    const day = ymd(year, Number(mmdd.slice(0, 2)), Number(mmdd.slice(2, 4)));
    const iso = `${year}-${mmdd.slice(0, 2)}-${mmdd.slice(2, 4)}`;
    return closure(day, NAMED[iso] ?? BY_DATE[mmdd] ?? 'Trading holiday');
  });
}

export const XBOM: CalendarSpec = {
  code: 'XBOM',
  name: 'BSE (Bombay Stock Exchange)',
  timezone: 'Asia/Kolkata',
  suffixes: ['.BO'],
  firstDate: '1997-01-01',
  lastDate: '2026-12-31',
  weekend: [5, 6],
  // 09:15-15:30 (exchange_calendar_xbom.py). Muhurat (Diwali evening) sessions are not modelled.
  hours: [{ from: '1997-01-01', open: hm('09:15'), close: hm('15:30') }],
  closures: bombayClosures,
  // Saturday sessions (BSE notices: 2024-01-20 special session, 2025-02-01 Union Budget).
  extraSessions: [
    { day: dayOf('2024-01-20'), name: 'Special Saturday session' },
    { day: dayOf('2025-02-01'), name: 'Union Budget Saturday session' },
  ],
};

export const XNSE: CalendarSpec = {
  ...XBOM,
  code: 'XNSE',
  name: 'National Stock Exchange of India',
  suffixes: ['.NS'],
};
