import { describe, expect, it } from 'vitest';
import { earlyCloses, holidays, listCalendars, sessions } from '../src/domain/calendars';

const DAY = 86_400_000;

/** "YYYY-MM-DD" of an instant in a zone, by Intl directly (independent of the module). */
function localDate(instant: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, dateStyle: 'short' }).format(instant);
}

function weekdayOf(date: string): number {
  return (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7; // 0 Mon .. 6 Sun
}

/** Weekend sessions the exchanges announced (BSE/NSE Saturday sessions). */
const WEEKEND_SESSIONS = new Set(['2024-01-20', '2025-02-01']);

describe.each(listCalendars())('$code from 1990 (or its first date) to 2030', (calendar) => {
  const start = calendar.first_date > '1990-01-01' ? calendar.first_date : '1990-01-01';
  const end = calendar.last_date < '2030-12-31' ? calendar.last_date : '2030-12-31';
  const list = sessions(calendar.code, start, end);
  const closed = holidays(calendar.code, start, end);
  const early = earlyCloses(calendar.code, start, end);
  const aroundTheClock = calendar.code.startsWith('24/');

  it('has sorted, non-overlapping sessions with open < close and the break inside', () => {
    expect(list.length).toBeGreaterThan(1000);
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      expect(s.open, s.date).toBeLessThan(s.close);
      expect(s.break_start === null, s.date).toBe(s.break_end === null);
      if (s.break_start !== null && s.break_end !== null) {
        expect(s.open, s.date).toBeLessThan(s.break_start);
        expect(s.break_start, s.date).toBeLessThan(s.break_end);
        expect(s.break_end, s.date).toBeLessThan(s.close);
      }
      if (i > 0) {
        expect(list[i - 1]!.date < s.date, s.date).toBe(true);
        expect(list[i - 1]!.close, s.date).toBeLessThanOrEqual(s.open);
      }
      // The session ends on its own date in the exchange's zone.
      expect(localDate(s.close - 1, calendar.timezone), s.date).toBe(s.date);
      if (!aroundTheClock) {
        expect(localDate(s.open, calendar.timezone), s.date).toBe(s.date);
        expect(s.close - s.open, s.date).toBeLessThan(DAY / 2 + DAY / 8);
      }
    }
  });

  it('never trades on a weekend (where it has weekends)', () => {
    if (calendar.code === '24/7') return;
    for (const s of list) {
      if (WEEKEND_SESSIONS.has(s.date) && calendar.code.startsWith('XB')) continue;
      if (WEEKEND_SESSIONS.has(s.date) && calendar.code === 'XNSE') continue;
      expect(weekdayOf(s.date), s.date).toBeLessThan(5);
    }
  });

  it('names every weekday without a session, and only those', () => {
    const sessionDates = new Set(list.map((s) => s.date));
    const named = new Map(closed.map((h) => [h.date, h.name]));
    for (let t = Date.parse(`${start}T00:00:00Z`); t <= Date.parse(`${end}T00:00:00Z`); t += DAY) {
      const date = new Date(t).toISOString().slice(0, 10);
      const weekend = calendar.code === '24/7' ? false : weekdayOf(date) >= 5;
      if (weekend) {
        expect(named.has(date), date).toBe(false);
        continue;
      }
      expect(sessionDates.has(date) !== named.has(date), date).toBe(true);
      if (named.has(date)) expect(named.get(date)!.length, date).toBeGreaterThan(3);
    }
  });

  it('closes early only on sessions, before the regular close, each named', () => {
    const byDate = new Map(list.map((s) => [s.date, s]));
    for (const e of early) {
      const s = byDate.get(e.date);
      expect(s, e.date).toBeDefined();
      expect(s!.close, e.date).toBe(e.close);
      expect(e.name.length).toBeGreaterThan(3);
    }
  });

  it('trades a plausible number of days each year', () => {
    const perYear = new Map<string, number>();
    for (const s of list)
      perYear.set(s.date.slice(0, 4), (perYear.get(s.date.slice(0, 4)) ?? 0) + 1);
    for (const [year, n] of perYear) {
      const whole = `${year}-01-01` >= start && `${year}-12-31` <= end;
      if (!whole) continue;
      if (calendar.code === '24/7') expect(n, year).toBeGreaterThanOrEqual(365);
      else if (calendar.code === '24/5') expect(n, year).toBeGreaterThanOrEqual(260);
      else {
        expect(n, `${calendar.code} ${year}`).toBeGreaterThanOrEqual(238);
        expect(n, `${calendar.code} ${year}`).toBeLessThanOrEqual(258);
      }
    }
  });
});
