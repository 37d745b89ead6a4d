/**
 * The typed door to the market data's Lua scripts: the fetch lock shared across processes, the
 * provider's request pacing, the per-run records and the series. The only place that builds
 * their KEYS and ARGV (from `keys`) and reads their replies.
 */
import type { Redis } from 'ioredis';
import { keys } from '../keys';
import { defineScripts, invoke, type Command } from './script-commands';

/** One shared fetch: a symbol's bars over [start, end]. */
export interface FetchKey {
  symbol: string;
  start: string;
  end: string;
}

/** What series-merge-3.lua did. */
export type SeriesMergeResult =
  | { status: 'merged' | 'replaced'; added: number; replaced: number; total: number }
  /** The fetch reports `event`, unknown and dated after the first stored bar: replace instead. */
  | { status: 'rebase'; event: string };

export class MarketDataScripts {
  constructor(private readonly redis: Redis) {
    defineScripts(redis);
  }

  private call<T>(name: Command, keyList: string[], argv: (string | Buffer)[]): Promise<T> {
    return invoke(this.redis, name, keyList, argv) as Promise<T>;
  }

  /** Takes the fetch lock, or names the token of the process holding it. */
  async acquireFetchLock(
    lock: FetchKey & { token: string; ttlMs: number },
  ): Promise<{ taken: boolean; holder: string }> {
    const [taken, holder] = await this.call<[number, string]>(
      'fetchLockAcquire',
      [keys.fetchLock(lock.symbol, lock.start, lock.end)],
      [lock.token, String(lock.ttlMs)],
    );
    return { taken: taken === 1, holder };
  }

  /** Extends every lock still held by its token, in one round trip. */
  async renewFetchLocks(locks: (FetchKey & { token: string })[], ttlMs: number): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (const lock of locks) {
      invoke(
        pipeline,
        'fetchLockRenew',
        [keys.fetchLock(lock.symbol, lock.start, lock.end)],
        [lock.token, String(ttlMs)],
      );
    }
    await pipeline.exec();
  }

  async releaseFetchLock(lock: FetchKey & { token: string }): Promise<void> {
    await this.call(
      'fetchLockRelease',
      [keys.fetchLock(lock.symbol, lock.start, lock.end)],
      [lock.token],
    );
  }

  /** Publishes the fetch's outcome for its waiters and frees the lock, in one step. */
  async finishFetch(
    lock: FetchKey & { token: string; outcomeJson: string; ttlMs: number },
  ): Promise<void> {
    await this.call(
      'fetchLockFinish',
      [
        keys.fetchLock(lock.symbol, lock.start, lock.end),
        keys.fetchResult(lock.symbol, lock.start, lock.end),
      ],
      [lock.token, lock.outcomeJson, String(lock.ttlMs)],
    );
  }

  /** Books the provider's next request slot; resolves to the wait before sending, ms. */
  takeProviderSlot(pace: { provider: string; intervalMs: number }): Promise<number> {
    return this.call<number>(
      'providerPace',
      [keys.providerPace(pace.provider)],
      [String(pace.intervalMs), 'take', '0'],
    );
  }

  /** Moves every process's next slot of the provider at least `pauseMs` into the future. */
  async pauseProvider(pace: {
    provider: string;
    intervalMs: number;
    pauseMs: number;
  }): Promise<void> {
    await this.call(
      'providerPace',
      [keys.providerPace(pace.provider)],
      [String(pace.intervalMs), 'pause', String(pace.pauseMs)],
    );
  }

  /**
   * Writes one per-run record whole with its index entry, and deletes the symbol's records
   * beyond `keep`, oldest first; resolves to how many were deleted.
   */
  saveRecord(record: {
    symbol: string;
    start: string;
    end: string;
    json: string;
    fetchedMs: number;
    keep: number;
  }): Promise<number> {
    return this.call<number>(
      'recordSave',
      [keys.stockData(record.symbol, record.start, record.end), keys.stockDataIndex(record.symbol)],
      [record.json, String(record.fetchedMs), String(record.keep)],
    );
  }

  /** Merges one fetch into the symbol's series, or replaces the part it covers. */
  async mergeSeries(fetch: {
    symbol: string;
    mode: 'merge' | 'replace';
    fetchedMs: number;
    currency: string | null;
    exchangeTimezone: string | null;
    /** The history's own source (`synthetic`), or null for the provider's. */
    source: string | null;
    /** The fetch's first date. */
    start: string;
    /** The split and dividend (field, value) pairs. */
    events: [string, string][];
    /** Each year's packed records (series-codec.ts). */
    years: [number, Buffer][];
  }): Promise<SeriesMergeResult> {
    const { symbol } = fetch;
    const reply = await this.call<[string, ...(string | number)[]]>(
      'seriesMerge',
      [keys.seriesMeta(symbol), keys.seriesEvents(symbol), keys.seriesSymbols],
      [
        keys.seriesYearPrefix(symbol),
        fetch.mode,
        String(fetch.fetchedMs),
        fetch.currency ?? '',
        fetch.exchangeTimezone ?? '',
        fetch.start,
        symbol,
        fetch.source ?? '',
        String(fetch.events.length),
        ...fetch.events.flat(),
        ...fetch.years.flatMap(([year, records]) => [String(year), records]),
      ],
    );
    if (reply[0] === 'rebase') return { status: 'rebase', event: String(reply[1]) };
    return {
      status: reply[0] as 'merged' | 'replaced',
      added: Number(reply[1]),
      replaced: Number(reply[2]),
      total: Number(reply[3]),
    };
  }
}
