/**
 * Symbols without an exchange. Crypto pairs (-USD) trade every day around the clock: one
 * session per UTC date, 00:00 to 24:00 UTC. Currencies (=X) trade from Sunday 17:00 to Friday
 * 17:00 New York, the interbank week, and a trade date rolls at 17:00 New York: the session
 * dated Monday to Friday runs from 17:00 New York the evening before to 17:00 that day.
 * No holidays: venues for both keep trading through public holidays.
 */
import { hm } from './day';
import type { CalendarSpec } from './spec';

export const CRYPTO: CalendarSpec = {
  code: '24/7',
  name: 'Around the clock, every day (crypto)',
  timezone: 'UTC',
  suffixes: ['-USD'],
  firstDate: '1990-01-01',
  lastDate: '2050-12-31',
  weekend: [],
  hours: [{ from: '1990-01-01', open: 0, close: 24 * 60 }],
  closures: () => [],
};

export const FOREX: CalendarSpec = {
  code: '24/5',
  name: 'Around the clock, five days a week (currencies)',
  timezone: 'America/New_York',
  suffixes: ['=X'],
  firstDate: '1990-01-01',
  lastDate: '2050-12-31',
  weekend: [5, 6],
  hours: [{ from: '1990-01-01', open: hm('17:00') - 24 * 60, close: hm('17:00') }],
  closures: () => [],
};
