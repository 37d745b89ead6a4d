/**
 * The reads of the series (CONTRACT.md section 8): bars over a range with either adjustment,
 * the list of symbols with coverage and freshness, and the quality report. Plain functions over
 * the stores, called by the data router and the CSV routes.
 */
import { calendarForSymbol } from '~/domain/calendars';
import type { JobRegistry } from '../scheduler/job-registry';
import { freshness, sessionDates } from './freshness';
import type { DailyBar } from './provider';
import { barIssues, gaps, type BarIssue, type Gap } from './series-quality';
import type { Adjust } from './series-params';
import type { SeriesEvents, SeriesMeta, SeriesStore } from './series-store';

export interface SeriesReadDeps {
  series: SeriesStore;
  registry: JobRegistry;
  settleMinutes: number;
  now?: () => number;
}

/** A symbol without a series: a 404 naming it. */
export class UnknownSeriesError extends Error {
  override name = 'UnknownSeriesError';
  constructor(readonly symbol: string) {
    super(`No stored series for ${symbol}: no job has fetched it yet`);
  }
}

const digits7 = (v: number) => Number(v.toPrecision(7));

/**
 * `split`: as stored (the provider's split-adjusted prices). `all`: open, high, low and close
 * times adj_close/close of that day, to 7 significant digits as stored prices are.
 */
export function presentBar(bar: DailyBar, adjust: Adjust): DailyBar {
  const plain = {
    date: bar.date,
    open: bar.open,
    high: bar.high,
    low: bar.low,
    close: bar.close,
    adj_close: bar.adj_close,
    volume: bar.volume,
  };
  if (adjust === 'split' || bar.close === null || bar.adj_close === null || bar.close === 0) {
    return plain;
  }
  const f = bar.adj_close / bar.close;
  const scale = (v: number | null) => (v === null ? null : digits7(v * f));
  return {
    ...plain,
    open: scale(bar.open),
    high: scale(bar.high),
    low: scale(bar.low),
    close: scale(bar.close),
  };
}

export async function metaOrThrow(series: SeriesStore, symbol: string): Promise<SeriesMeta> {
  const meta = await series.meta(symbol);
  if (!meta || meta.first_date === null || meta.last_date === null) {
    throw new UnknownSeriesError(symbol);
  }
  return meta;
}

export interface BarsAnswer extends SeriesEvents {
  symbol: string;
  currency: string | null;
  exchange_timezone: string | null;
  calendar: string;
  adjust: Adjust;
  start: string;
  end: string;
  bars: DailyBar[];
  fetched_at: string | null;
}

export async function readBars(
  deps: SeriesReadDeps,
  input: { symbol: string; start?: string | undefined; end?: string | undefined; adjust: Adjust },
): Promise<BarsAnswer> {
  const meta = await metaOrThrow(deps.series, input.symbol);
  const start = input.start ?? meta.first_date!;
  const end = input.end ?? meta.last_date!;
  const [stored, events] = await Promise.all([
    deps.series.bars(meta.symbol, start, end, meta),
    deps.series.events(meta.symbol, start, end),
  ]);
  return {
    symbol: meta.symbol,
    currency: meta.currency,
    exchange_timezone: meta.exchange_timezone,
    calendar: calendarForSymbol(meta.symbol),
    adjust: input.adjust,
    start,
    end,
    bars: stored.map((b) => presentBar(b, input.adjust)),
    ...events,
    fetched_at: meta.fetched_at,
  };
}

/** Job ids by symbol, over every job. */
export async function jobsBySymbol(registry: JobRegistry): Promise<Map<string, string[]>> {
  const bySymbol = new Map<string, string[]>();
  for (const job of await registry.all()) {
    for (const s of job.stock_ids) bySymbol.set(s, [...(bySymbol.get(s) ?? []), job.job_id]);
  }
  return bySymbol;
}

export interface SymbolSummary {
  symbol: string;
  calendar: string;
  currency: string | null;
  first_date: string | null;
  last_date: string | null;
  bars: number;
  fetched_at: string | null;
  fresh: boolean;
  last_session: string | null;
  missing_sessions: number;
  jobs: string[];
}

/**
 * Every symbol with a series. `missing_sessions` counts the calendar's sessions from the first
 * bar to the last (up to the last closed session) less the bars stored in that span, so the
 * listing reads no bars; the quality report lists them. Sessions after the last bar are what
 * `fresh` is about, not gaps.
 */
export async function listSymbols(
  deps: SeriesReadDeps,
  filter: { q?: string | undefined; stale?: boolean | undefined } = {},
): Promise<SymbolSummary[]> {
  const now = (deps.now ?? Date.now)();
  const q = filter.q?.trim().toUpperCase();
  const symbols = (await deps.series.symbols()).filter((s) => !q || s.includes(q));
  const [metas, jobs] = await Promise.all([
    deps.series.metas(symbols),
    jobsBySymbol(deps.registry),
  ]);
  const out: SymbolSummary[] = [];
  metas.forEach((meta, i) => {
    if (!meta) return;
    const symbol = symbols[i]!;
    const f = freshness(symbol, meta.last_date, now, deps.settleMinutes);
    if (filter.stale === true && f.fresh) return;
    if (filter.stale === false && !f.fresh) return;
    let missing = 0;
    if (meta.first_date && meta.last_date) {
      const until =
        f.last_session && f.last_session < meta.last_date ? f.last_session : meta.last_date;
      const expected = sessionDates(f.calendar, meta.first_date, until).length;
      const afterUntil = meta.last_date > until ? 1 : 0;
      missing = Math.max(0, expected - (meta.bars - afterUntil));
    }
    out.push({
      symbol,
      calendar: f.calendar,
      currency: meta.currency,
      first_date: meta.first_date,
      last_date: meta.last_date,
      bars: meta.bars,
      fetched_at: meta.fetched_at,
      fresh: f.fresh,
      last_session: f.last_session,
      missing_sessions: missing,
      jobs: jobs.get(symbol) ?? [],
    });
  });
  return out;
}

export interface QualityReport {
  symbol: string;
  calendar: string;
  gaps: Gap[];
  issues: BarIssue[];
}

/** Gaps between the first and the last bar (to the last closed session), every suspicious bar. */
export async function qualityOf(deps: SeriesReadDeps, symbol: string): Promise<QualityReport> {
  const meta = await metaOrThrow(deps.series, symbol);
  const bars = await deps.series.bars(meta.symbol, meta.first_date!, meta.last_date!, meta);
  const f = freshness(meta.symbol, meta.last_date, (deps.now ?? Date.now)(), deps.settleMinutes);
  const until =
    f.last_session && f.last_session < meta.last_date! ? f.last_session : meta.last_date!;
  const sessions = sessionDates(f.calendar, meta.first_date!, until);
  return {
    symbol: meta.symbol,
    calendar: f.calendar,
    gaps: gaps(sessions, new Set(bars.map((b) => b.date)), meta.first_date),
    issues: barIssues(bars),
  };
}
