/**
 * Freshness of a series against its exchange calendar (CONTRACT.md section 8): a symbol is
 * fresh when its series holds the last session that closed at least DATA_SETTLE_MINUTES ago.
 */
import {
  calendarForSymbol,
  getCalendar,
  lastClosedSession,
  MAX_RANGE_YEARS,
  sessions,
} from '~/domain/calendars';

export interface Freshness {
  calendar: string;
  /** The last session closed at least the settle time ago, or null outside the coverage. */
  last_session: string | null;
  /** That session's close, epoch ms. */
  last_close_ms: number | null;
  fresh: boolean;
}

export function freshness(
  symbol: string,
  lastDate: string | null,
  now: number,
  settleMinutes: number,
): Freshness {
  const calendar = calendarForSymbol(symbol);
  const session = lastClosedSession(calendar, now, settleMinutes);
  return {
    calendar,
    last_session: session?.date ?? null,
    last_close_ms: session?.close ?? null,
    fresh: session !== null && lastDate !== null && lastDate >= session.date,
  };
}

/**
 * The session dates of `calendar` from `start` to `end`, clamped to the calendar's coverage
 * and asked in pieces under the calendar's longest range.
 */
export function sessionDates(calendar: string, start: string, end: string): string[] {
  const info = getCalendar(calendar);
  if (!info) return [];
  const from = start > info.first_date ? start : info.first_date;
  const to = end < info.last_date ? end : info.last_date;
  const out: string[] = [];
  for (
    let year = Number(from.slice(0, 4));
    year <= Number(to.slice(0, 4));
    year += MAX_RANGE_YEARS - 1
  ) {
    const pieceEnd = `${year + MAX_RANGE_YEARS - 2}-12-31`;
    const a = year === Number(from.slice(0, 4)) ? from : `${year}-01-01`;
    const b = pieceEnd < to ? pieceEnd : to;
    if (a > b) break;
    for (const s of sessions(calendar, a, b)) out.push(s.date);
  }
  return out;
}
