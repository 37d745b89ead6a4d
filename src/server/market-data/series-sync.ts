/**
 * What happens to the series after a successful fetch: merge it, and when it reports a split
 * or dividend the series did not know, fetch the symbol's whole history once and replace the
 * series with it, in the same run, so the series is never a mix of before- and after-event
 * prices.
 */
import type { DailyHistory } from './provider';
import type { SeriesStore } from './series-store';

/** Fetches `symbol` over [start, end] (retries and rate limits are the caller's). */
export type HistoryFetch = (
  start: string,
  end: string,
) => Promise<{ history: DailyHistory } | { error: string }>;

export interface SeriesSyncResult {
  /** merged: the fetch is in; rebased: the whole series was replaced; failed: see error. */
  status: 'merged' | 'rebased' | 'failed';
  /** The event that made the series fetch its whole history, e.g. `split:2021-06-15`. */
  event?: string;
  error?: string;
  /** Provider requests made here (the whole-history fetch). */
  requests: number;
}

/** The whole history is asked from here: period1 = 0 (Yahoo answers from the first trade on). */
export const HISTORY_START = '1970-01-02';

export async function syncSeries(
  series: SeriesStore,
  history: DailyHistory,
  fetchedAt: string,
  start: string,
  end: string,
  fetchHistory: HistoryFetch,
  now: () => number = Date.now,
): Promise<SeriesSyncResult> {
  const merged = await series.merge(history, fetchedAt, start);
  if (merged.status !== 'rebase') return { status: 'merged', requests: 0 };

  // Fetched now, after the event: every bar it holds is priced the new way.
  const wholeAt = new Date(now()).toISOString();
  const whole = await fetchHistory(HISTORY_START, end);
  if ('error' in whole) {
    // The series stays as it was (consistent, without this fetch); the per-run record has it.
    return {
      status: 'failed',
      event: merged.event,
      error: `the series could not be made consistent after ${merged.event}: ${whole.error}`,
      requests: 1,
    };
  }
  await series.replace({ ...whole.history, symbol: history.symbol }, wholeAt, HISTORY_START);
  return { status: 'rebased', event: merged.event, requests: 1 };
}
