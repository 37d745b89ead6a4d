import type { Redis } from 'ioredis';
import { keys } from '../keys';
import type { DailyHistory } from './provider';

/** A stored record, CONTRACT.md section 6. */
export interface StockRecord extends DailyHistory {
  start: string;
  end: string;
  interval: '1d';
  source: string;
  fetched_at: string;
  job_id: string | null;
  run_id: string | null;
}

/**
 * `scheduled_stock_data:{SYMBOL}:{start}:{end}` records. Each is written whole with one SET
 * (a reader never sees half of it), together with its entry in the symbol's index, in MULTI.
 * A window is replaced, never appended to: history changes after every split.
 */
export class StockDataStore {
  constructor(private readonly redis: Redis) {}

  async save(record: StockRecord): Promise<string> {
    const key = keys.stockData(record.symbol, record.start, record.end);
    await this.redis
      .multi()
      .set(key, JSON.stringify(record))
      .zadd(keys.stockDataIndex(record.symbol), Date.parse(record.fetched_at), key)
      .exec();
    return key;
  }

  /** The record for the range, or the most recently fetched one of the symbol. */
  async get(symbol: string, range?: { start: string; end: string }): Promise<StockRecord | null> {
    if (range) {
      const raw = await this.redis.get(keys.stockData(symbol, range.start, range.end));
      return raw ? (JSON.parse(raw) as StockRecord) : null;
    }
    // Newest first; skip index entries whose record was deleted by hand.
    const candidates = await this.redis.zrevrange(keys.stockDataIndex(symbol), 0, 4);
    for (const key of candidates) {
      const raw = await this.redis.get(key);
      if (raw) return JSON.parse(raw) as StockRecord;
    }
    return null;
  }
}
