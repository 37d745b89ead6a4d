/**
 * One continuous daily series per symbol (CONTRACT.md section 8), merged from every fetch by
 * one script (scripts/series-merge-3.lua), stored as packed per-year strings
 * (series-codec.ts) with the symbol's splits and dividends beside it.
 */
import type { Redis } from 'ioredis';
import { keys } from '../keys';
import { MarketDataScripts, type SeriesMergeResult } from '../redis/market-data-scripts';
import type { DailyHistory, Dividend, Split } from './provider';
import { packByYear, unpackYear, type StoredBar } from './series-codec';

export interface SeriesMeta {
  symbol: string;
  currency: string | null;
  exchange_timezone: string | null;
  first_date: string | null;
  last_date: string | null;
  bars: number;
  /** Newest fetch merged, ISO, or null. */
  fetched_at: string | null;
  /** That fetch's own source (`synthetic`), or null when it was the provider's. */
  source: string | null;
  /** Bars stored per year, ascending years. */
  years: Map<number, number>;
}

export interface SeriesEvents {
  dividends: Dividend[];
  splits: Split[];
}

/** A `rebase` names an event unknown and dated after the first stored bar: see replace(). */
export type MergeResult = SeriesMergeResult;

function eventFields(history: DailyHistory): [string, string][] {
  return [
    ...history.splits.map((s): [string, string] => [
      `split:${s.date}`,
      `${s.numerator}/${s.denominator}`,
    ]),
    ...history.dividends.map((d): [string, string] => [`dividend:${d.date}`, String(d.amount)]),
  ];
}

export class SeriesStore {
  private readonly scripts: MarketDataScripts;

  constructor(private readonly redis: Redis) {
    this.scripts = new MarketDataScripts(redis);
  }

  /**
   * Merges a fetch of [start, end] into the series: a date fetched again takes the newer
   * fetch's values, new dates are added, the rest stays. When the fetch reports a split or
   * dividend the series does not know and that changes stored bars, nothing is written and
   * the answer is `rebase`: fetch the whole history and replace() with it.
   */
  merge(history: DailyHistory, fetchedAt: string, start: string): Promise<MergeResult> {
    return this.write('merge', history, fetchedAt, start);
  }

  /**
   * Replaces the series from `start` on with `history` (the symbol's whole history as of
   * `fetchedAt`), events too; bars fetched later than it by another writer are kept.
   */
  replace(history: DailyHistory, fetchedAt: string, start: string): Promise<MergeResult> {
    return this.write('replace', history, fetchedAt, start);
  }

  private async write(
    mode: 'merge' | 'replace',
    history: DailyHistory,
    fetchedAt: string,
    start: string,
  ): Promise<MergeResult> {
    const symbol = history.symbol.toUpperCase();
    const fetchedMs = Date.parse(fetchedAt);
    if (Number.isNaN(fetchedMs)) throw new Error(`fetched_at "${fetchedAt}" is not an ISO time`);
    return this.scripts.mergeSeries({
      symbol,
      mode,
      fetchedMs,
      currency: history.currency,
      exchangeTimezone: history.exchange_timezone,
      source: history.source ?? null,
      start,
      events: eventFields(history),
      years: [...packByYear(history.bars, Math.floor(fetchedMs / 1000))],
    });
  }

  async meta(symbol: string): Promise<SeriesMeta | null> {
    return (await this.metas([symbol]))[0] ?? null;
  }

  /** The meta of each symbol, in order; null where a symbol has no series. */
  async metas(symbols: string[]): Promise<(SeriesMeta | null)[]> {
    if (symbols.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const s of symbols) pipeline.hgetall(keys.seriesMeta(s.toUpperCase()));
    const results = (await pipeline.exec()) ?? [];
    return symbols.map((s, i) => {
      const [error, value] = results[i] ?? [];
      if (error) throw error;
      const h = value as Record<string, string>;
      if (!h || h.bars === undefined) return null;
      const years = new Map<number, number>();
      for (const [field, n] of Object.entries(h)) {
        const m = /^y:(\d+)$/.exec(field);
        if (m) years.set(Number(m[1]), Number(n));
      }
      return {
        symbol: s.toUpperCase(),
        currency: h.currency ?? null,
        exchange_timezone: h.exchange_timezone ?? null,
        first_date: h.first_date ?? null,
        last_date: h.last_date ?? null,
        bars: Number(h.bars),
        fetched_at: h.fetched_at ? new Date(Number(h.fetched_at)).toISOString() : null,
        source: h.source || null,
        years: new Map([...years].sort((a, b) => a[0] - b[0])),
      };
    });
  }

  /** Every symbol with a series, sorted. */
  async symbols(): Promise<string[]> {
    return (await this.redis.zrange(keys.seriesSymbols, 0, -1)).sort();
  }

  /** The stored bars of [start, end], oldest first, read one year string at a time. */
  async *barsByYear(
    symbol: string,
    start: string,
    end: string,
    meta?: SeriesMeta | null,
  ): AsyncGenerator<StoredBar[]> {
    const sym = symbol.toUpperCase();
    const m = meta === undefined ? await this.meta(sym) : meta;
    if (!m) return;
    const from = Number(start.slice(0, 4));
    const to = Number(end.slice(0, 4));
    for (const year of m.years.keys()) {
      if (year < from || year > to) continue;
      const buf = await this.redis.getBuffer(keys.seriesYear(sym, year));
      if (buf) yield unpackYear(year, buf, start, end);
    }
  }

  /** The stored bars of [start, end], oldest first; one round trip for all the years. */
  async bars(symbol: string, start: string, end: string, meta?: SeriesMeta | null) {
    const sym = symbol.toUpperCase();
    const m = meta === undefined ? await this.meta(sym) : meta;
    if (!m) return [];
    const from = Number(start.slice(0, 4));
    const to = Number(end.slice(0, 4));
    const years = [...m.years.keys()].filter((y) => y >= from && y <= to);
    if (years.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const y of years) pipeline.getBuffer(keys.seriesYear(sym, y));
    const results = (await pipeline.exec()) ?? [];
    const bars: StoredBar[] = [];
    years.forEach((year, i) => {
      const [error, buf] = results[i] ?? [];
      if (error) throw error;
      if (buf) bars.push(...unpackYear(year, buf as Buffer, start, end));
    });
    return bars;
  }

  /** The symbol's splits and dividends within [start, end], oldest first. */
  async events(symbol: string, start = '', end = '~'): Promise<SeriesEvents> {
    const h = await this.redis.hgetall(keys.seriesEvents(symbol.toUpperCase()));
    const dividends: Dividend[] = [];
    const splits: Split[] = [];
    for (const [field, value] of Object.entries(h)) {
      const [kind, date = ''] = field.split(':');
      if (date < start || date > end) continue;
      if (kind === 'dividend') dividends.push({ date, amount: Number(value) });
      if (kind === 'split') {
        const [numerator, denominator] = value.split('/').map(Number);
        splits.push({ date, numerator: numerator ?? 1, denominator: denominator ?? 1 });
      }
    }
    const byDate = (a: { date: string }, b: { date: string }) => a.date.localeCompare(b.date);
    return { dividends: dividends.sort(byDate), splits: splits.sort(byDate) };
  }
}
