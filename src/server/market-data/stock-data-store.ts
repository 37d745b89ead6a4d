/**
 * The stored market data: `scheduled_stock_data:{SYMBOL}:{start}:{end}` records (CONTRACT.md
 * section 6) and a per-symbol index of them, newest last.
 */
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { keys } from '../keys';
import { MarketDataScripts } from '../redis/market-data-scripts';
import type { DailyHistory } from './provider';

/** One daily bar as stored and answered (CONTRACT.md section 6). */
export const barSchema = z.object({
  date: z.string(),
  open: z.number().nullable(),
  high: z.number().nullable(),
  low: z.number().nullable(),
  close: z.number().nullable(),
  adj_close: z.number().nullable(),
  volume: z.number().nullable(),
});

export const stockDataRecordSchema = z.object({
  symbol: z.string(),
  start: z.string(),
  end: z.string(),
  interval: z.literal('1d'),
  source: z.string(),
  currency: z.string().nullable(),
  exchange_timezone: z.string().nullable(),
  fetched_at: z.string(),
  job_id: z.string().nullable(),
  run_id: z.string().nullable(),
  bars: z.array(barSchema),
  dividends: z.array(z.object({ date: z.string(), amount: z.number() })),
  splits: z.array(z.object({ date: z.string(), numerator: z.number(), denominator: z.number() })),
});

/** A stored record, CONTRACT.md section 6. */
export type StockDataRecord = z.infer<typeof stockDataRecordSchema>;
/** The same, by its shorter name. */
export type StockRecord = StockDataRecord;

/** What the executor knows when a fetch succeeded: the history plus where it came from. */
export function toRecord(
  history: DailyHistory,
  meta: {
    start: string;
    end: string;
    source: string;
    job_id: string | null;
    run_id: string | null;
    fetched_at?: string;
  },
): StockDataRecord {
  return {
    symbol: history.symbol,
    start: meta.start,
    end: meta.end,
    interval: '1d',
    source: meta.source,
    currency: history.currency,
    exchange_timezone: history.exchange_timezone,
    fetched_at: meta.fetched_at ?? new Date().toISOString(),
    job_id: meta.job_id,
    run_id: meta.run_id,
    bars: history.bars,
    dividends: history.dividends,
    splits: history.splits,
  };
}

/**
 * Serialises with a fixed field order, whatever order the caller built the object in, so the
 * same data always gives the same bytes (only fetched_at, job_id and run_id can differ).
 */
function serialise(r: StockDataRecord): string {
  const canonical: StockDataRecord = {
    symbol: r.symbol,
    start: r.start,
    end: r.end,
    interval: r.interval,
    source: r.source,
    currency: r.currency,
    exchange_timezone: r.exchange_timezone,
    fetched_at: r.fetched_at,
    job_id: r.job_id,
    run_id: r.run_id,
    bars: r.bars.map((b) => ({
      date: b.date,
      open: b.open,
      high: b.high,
      low: b.low,
      close: b.close,
      adj_close: b.adj_close,
      volume: b.volume,
    })),
    dividends: r.dividends.map((d) => ({ date: d.date, amount: d.amount })),
    splits: r.splits.map((s) => ({
      date: s.date,
      numerator: s.numerator,
      denominator: s.denominator,
    })),
  };
  return JSON.stringify(canonical);
}

export interface StoredRange {
  key: string;
  start: string;
  end: string;
  fetched_at: string;
}

export class StockDataStore {
  private readonly scripts: MarketDataScripts;

  /**
   * `keep`: per-run records kept per symbol (DATA_RECORDS_KEEP); older ones are deleted as a
   * newer one is written.
   */
  constructor(
    private readonly redis: Redis,
    private readonly keep = 20,
  ) {
    this.scripts = new MarketDataScripts(redis);
  }

  /**
   * Writes the record whole with one SET (a reader sees the old record or the new one, never a
   * mix; a window is replaced, never appended to, since history changes after every split), its
   * index entry, and the deletion of the symbol's records beyond `keep`, oldest first, in one
   * script: the index never names a record that is gone or misses one that is stored.
   * Returns the key.
   */
  async save(record: StockDataRecord): Promise<string> {
    const symbol = record.symbol.toUpperCase();
    const fetchedMs = Date.parse(record.fetched_at);
    if (Number.isNaN(fetchedMs)) {
      throw new Error(`fetched_at "${record.fetched_at}" of ${symbol} is not an ISO date-time`);
    }
    await this.scripts.saveRecord({
      symbol,
      start: record.start,
      end: record.end,
      json: serialise({ ...record, symbol }),
      fetchedMs,
      keep: this.keep,
    });
    return keys.stockData(symbol, record.start, record.end);
  }

  /** The record for `range`, or else the most recently fetched one of the symbol; null if none. */
  async get(
    symbol: string,
    range?: { start: string; end: string },
  ): Promise<StockDataRecord | null> {
    const sym = symbol.toUpperCase();
    if (range) return this.read(keys.stockData(sym, range.start, range.end));
    // Newest first; an index entry whose record was deleted by hand is skipped.
    const candidates = await this.redis.zrevrange(keys.stockDataIndex(sym), 0, 9);
    for (const key of candidates) {
      const record = await this.read(key);
      if (record) return record;
    }
    return null;
  }

  /** The stored ranges of a symbol, newest fetch first. */
  async listForSymbol(symbol: string): Promise<StoredRange[]> {
    const sym = symbol.toUpperCase();
    const flat = await this.redis.zrevrange(keys.stockDataIndex(sym), 0, -1, 'WITHSCORES');
    const entries: { key: string; score: number }[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      entries.push({ key: flat[i]!, score: Number(flat[i + 1]) });
    }
    if (entries.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const e of entries) pipeline.exists(e.key);
    const exists = (await pipeline.exec()) ?? [];
    return entries
      .filter((_, i) => exists[i]?.[1] === 1)
      .map(({ key, score }) => {
        const [start = '', end = ''] = key.split(':').slice(-2);
        return { key, start, end, fetched_at: new Date(score).toISOString() };
      });
  }

  private async read(key: string): Promise<StockDataRecord | null> {
    const raw = await this.redis.get(key);
    if (raw === null) return null;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new Error(`stored record ${key} is not JSON: delete it and run the job again`);
    }
    const parsed = stockDataRecordSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(
        `stored record ${key} is not a stock data record (${issue?.path.join('.')}: ${issue?.message}): delete it and run the job again`,
      );
    }
    return parsed.data;
  }
}
