/**
 * A run that would fetch a symbol whose series is already fresh, from a fetch made after the
 * close of the last settled session, takes the per-run record from the series instead of the
 * provider (symbol outcome `cached`). So jobs sharing symbols make one provider request per
 * symbol and session, however many of them fire after the close.
 */
import { freshness, sessionDates } from './freshness';
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

/**
 * The window's bars as a per-run record when the series can stand in for a fetch, else null:
 * the series holds the last settled session, was fetched after that session closed, and
 * reaches back to the window's first session.
 */
export async function cachedHistory(
  series: SeriesStore,
  q: CacheQuestion,
): Promise<Pick<
  StockDataRecord,
  'currency' | 'exchange_timezone' | 'bars' | 'dividends' | 'splits' | 'fetched_at'
> | null> {
  if (q.force) return null;
  const meta = await series.meta(q.symbol);
  if (!meta || meta.first_date === null || meta.fetched_at === null) return null;
  const f = freshness(q.symbol, meta.last_date, q.now, q.settleMinutes);
  if (!f.fresh || f.last_close_ms === null) return null;
  if (Date.parse(meta.fetched_at) < f.last_close_ms) return null;
  if (q.end < (f.last_session ?? '')) return null;
  if (meta.first_date > q.start) {
    const firstSession = sessionDates(f.calendar, q.start, q.end)[0];
    if (firstSession === undefined || meta.first_date > firstSession) return null;
  }
  const [stored, events] = await Promise.all([
    series.bars(q.symbol, q.start, q.end, meta),
    series.events(q.symbol, q.start, q.end),
  ]);
  return {
    currency: meta.currency,
    exchange_timezone: meta.exchange_timezone,
    bars: stored.map(({ fetched_s: _, ...bar }) => bar),
    ...events,
    fetched_at: meta.fetched_at,
  };
}
