/**
 * What a run asks of the series besides the merge, against a real redis-server: whether it
 * stands in for a fetch (symbol outcome `cached`; fixed instants around the XNYS close of
 * Friday 12 January 2024, 21:00Z), and the new suspicious bars it stored.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DailyBar } from '../src/server/market-data/provider';
import { cachedHistory } from '../src/server/market-data/series-cache';
import { storeNewIssues } from '../src/server/market-data/series-issues';
import { SeriesStore } from '../src/server/market-data/series-store';
import { startTestRedis, type TestRedis } from './support/redis-server';

let server: TestRedis;
let redis: Redis;
let series: SeriesStore;

const dates = ['2024-01-08', '2024-01-09', '2024-01-10', '2024-01-11', '2024-01-12'];
const bars: DailyBar[] = dates.map((date, i) => ({
  date,
  open: 10 + i,
  high: 11 + i,
  low: 9 + i,
  close: 10 + i,
  adj_close: 10 + i,
  volume: 100,
}));

async function stored(fetchedAt: string) {
  await series.merge(
    {
      symbol: 'AAPL',
      currency: 'USD',
      exchange_timezone: 'America/New_York',
      bars,
      dividends: [{ date: '2024-01-10', amount: 0.24 }],
      splits: [],
    },
    fetchedAt,
    '2024-01-08',
  );
}

const ask = (over: Partial<Parameters<typeof cachedHistory>[1]> = {}) =>
  cachedHistory(series, {
    symbol: 'AAPL',
    start: '2024-01-08',
    end: '2024-01-13',
    force: false,
    now: Date.parse('2024-01-13T15:00:00Z'),
    settleMinutes: 30,
    ...over,
  });

beforeAll(async () => {
  server = await startTestRedis();
  redis = new Redis(server.url);
  series = new SeriesStore(redis);
});
beforeEach(() => redis.flushall());
afterAll(async () => {
  await redis?.quit();
  await server?.stop();
});

describe('the series standing in for a fetch', () => {
  it('serves the window when the last settled session is there from a fetch after its close', async () => {
    await stored('2024-01-12T21:45:00.000Z');
    expect(await ask()).toEqual({
      currency: 'USD',
      exchange_timezone: 'America/New_York',
      bars,
      dividends: [{ date: '2024-01-10', amount: 0.24 }],
      splits: [],
      fetched_at: '2024-01-12T21:45:00.000Z',
    });
    // Over the weekend and the Martin Luther King Jr. Day holiday, still.
    expect(await ask({ now: Date.parse('2024-01-15T23:00:00Z') })).not.toBeNull();
  });

  it('fetches when the bar of the last session came before its close, or is missing', async () => {
    // Fetched during Friday's session: its bar was not final.
    await stored('2024-01-12T18:00:00.000Z');
    expect(await ask()).toBeNull();
    await redis.flushall();
    await stored('2024-01-12T21:45:00.000Z');
    // Tuesday 16 January has closed and settled: the series lacks it.
    expect(await ask({ now: Date.parse('2024-01-16T21:31:00Z') })).toBeNull();
  });

  it('fetches on force, and for a window reaching before the series', async () => {
    await stored('2024-01-12T21:45:00.000Z');
    expect(await ask({ force: true })).toBeNull();
    expect(await ask({ start: '2024-01-02' })).toBeNull();
    expect(await ask({ symbol: 'MSFT' })).toBeNull();
  });
});

describe('issues a run stored', () => {
  it('counts each suspicious bar once, however often it is fetched again', async () => {
    const faulty: DailyBar[] = [
      ...bars,
      { date: '2024-01-16', open: 14, high: 13, low: 15, close: 14, adj_close: 14, volume: -1 },
    ];
    await series.merge(
      {
        symbol: 'BAD',
        currency: 'USD',
        exchange_timezone: null,
        bars: faulty,
        dividends: [],
        splits: [],
      },
      '2024-01-16T22:00:00.000Z',
      '2024-01-08',
    );
    expect(await storeNewIssues(redis, series, 'BAD', '2024-01-16', '2024-01-16')).toBe(2);
    expect(await storeNewIssues(redis, series, 'BAD', '2024-01-08', '2024-01-16')).toBe(0);
    expect(await redis.hgetall('scheduler:series_issues:BAD')).toEqual({
      '2024-01-16:high_below_low': 'high 13 is below low 15',
      '2024-01-16:volume_negative': 'volume -1',
    });
  });
});
