/**
 * A run that would fetch a symbol whose series is already fresh, from a fetch made after the
 * last session settled, takes the per-run record from the series instead of the provider
 * (symbol outcome `cached`; issue 13, item 4). So jobs sharing symbols make one provider
 * request per symbol and session, however many of them fire after the close.
 *
 * The series stands in when it is fresh (it holds the last session closed DATA_SETTLE_MINUTES
 * ago) and every session of the window that has settled has its bar, from a fetch made after
 * that session settled (each stored bar keeps its fetch time): a fetch now could only give the
 * same bars. A session of the window in progress or not settled yet, one missing from the
 * series (a window reaching before it, or a hole), or `force` means the provider is asked.
 */
import { CalendarError, sessions as calendarSessions, type Session } from '~/domain/calendars';
import { freshness } from './freshness';
import type { SeriesStore } from './series-store';
import type { StockDataRecord } from './stock-data-store';

export interface CacheQuestion {
  symbol: string;
  start: string;
  end: string;
  /** Backfills and an explicit force always fetch. */
  force: boolean;
  now: number;
  settleMinutes: number;
}

/** A per-run record's data taken from the series; `fetched_at` is its newest bar's fetch. */
export type CachedHistory = Pick<
  StockDataRecord,
  'currency' | 'exchange_timezone' | 'bars' | 'dividends' | 'splits' | 'fetched_at'
> & {
  /** Set when the series' newest fetch was of made-up bars (the replay server's). */
  source?: 'synthetic';
};

const MINUTE_MS = 60_000;

function windowSessions(calendar: string, start: string, end: string): Session[] | null {
  try {
    return calendarSessions(calendar, start, end);
  } catch (error) {
    // A window outside the calendar's coverage cannot be checked: the provider is asked.
    if (error instanceof CalendarError) return null;
    throw error;
  }
}

/** The window's bars as a per-run record when the series can stand in for a fetch, else null. */
export async function cachedHistory(
  series: SeriesStore,
  q: CacheQuestion,
): Promise<CachedHistory | null> {
  if (q.force) return null;
  const meta = await series.meta(q.symbol);
  if (!meta?.last_date) return null;
  const fresh = freshness(q.symbol, meta.last_date, q.now, q.settleMinutes);
  if (!fresh.fresh) return null;
  const sessions = windowSessions(fresh.calendar, q.start, q.end);
  if (!sessions) return null;
  const settleMs = q.settleMinutes * MINUTE_MS;
  const settled = sessions.filter((s) => s.close + settleMs <= q.now);
  if (settled.length === 0) return null;
  // A session open now (or closed but not settled) would give a bar the series lacks.
  if (sessions.some((s) => s.open <= q.now && s.close + settleMs > q.now)) return null;

  const [stored, events] = await Promise.all([
    series.bars(q.symbol, q.start, q.end, meta),
    series.events(q.symbol, q.start, q.end),
  ]);
  const byDate = new Map(stored.map((b) => [b.date, b]));
  for (const s of settled) {
    const bar = byDate.get(s.date);
    if (!bar || bar.fetched_s * 1000 < s.close + settleMs) return null;
  }
  const newest = Math.max(...stored.map((b) => b.fetched_s));
  return {
    ...(meta.source === 'synthetic' && { source: 'synthetic' as const }),
    currency: meta.currency,
    exchange_timezone: meta.exchange_timezone,
    bars: stored.map(({ fetched_s: _fetched, ...bar }) => bar),
    ...events,
    fetched_at: new Date(newest * 1000).toISOString(),
  };
}
