/**
 * The series per symbol (CONTRACT.md section 8) against a real redis-server, fed by the real
 * Yahoo client over HTTP from the replay server: merges, a newly seen split, writers in two
 * processes, and the retention of per-run records.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startReplayServer, type ReplayServer } from '../src/replay/replay-server';
import { keys } from '../src/server/keys';
import type { DailyBar } from '../src/server/market-data/provider';
import { SeriesStore } from '../src/server/market-data/series-store';
import { syncSeries } from '../src/server/market-data/series-sync';
import { StockDataStore, toRecord } from '../src/server/market-data/stock-data-store';
import { YahooProvider } from '../src/server/market-data/yahoo';
import { MSFT_FILE, recordedChart, repriced, tsOf } from './support/charts';
import { startTestRedis, type TestRedis } from './support/redis-server';

const run = promisify(execFile);
let server: TestRedis;
let redis: Redis;
let replay: ReplayServer;
let yahoo: YahooProvider;
let series: SeriesStore;

beforeAll(async () => {
  server = await startTestRedis();
  redis = new Redis(server.url);
  replay = await startReplayServer();
  yahoo = new YahooProvider({ baseUrl: replay.url, timeoutMs: 5000 });
  series = new SeriesStore(redis);
});

beforeEach(async () => {
  replay.reset();
  await redis.flushall();
});

afterAll(async () => {
  await redis?.quit();
  await replay?.close();
  await server?.stop();
});

const values = (b: DailyBar) => [b.date, b.open, b.high, b.low, b.close, b.adj_close, b.volume];

describe('merge', () => {
  it('merges the MSFT year with an overlapping later fetch value for value, the newer fetch winning', async () => {
    const first = await yahoo.dailyHistory('MSFT', '2021-02-01', '2021-12-31');
    expect(await series.merge(first, '2022-02-01T00:00:00.000Z', '2021-02-01')).toMatchObject({
      status: 'merged',
      added: first.bars.length,
    });
    // The provider now answers other values (as after a data correction) for every date.
    replay.setHistory(
      'MSFT',
      repriced(
        recordedChart(MSFT_FILE),
        () => true,
        (p) => p + 1,
      ),
    );
    const later = await yahoo.dailyHistory('MSFT', '2021-10-01', '2022-01-31');
    const merged = await series.merge(later, '2022-02-02T00:00:00.000Z', '2021-10-01');
    const overlap = first.bars.filter((b) => b.date >= '2021-10-01').length;
    expect(merged).toEqual({
      status: 'merged',
      added: later.bars.length - overlap,
      replaced: overlap,
      total: 252,
    });

    const expected = [...first.bars.filter((b) => b.date < '2021-10-01'), ...later.bars];
    const stored = await series.bars('MSFT', '2021-01-01', '2022-12-31');
    expect(stored.map(values)).toEqual(expected.map(values));

    // A writer that fetched before the later one but arrives after it changes nothing.
    await series.merge(first, '2022-02-01T12:00:00.000Z', '2021-02-01');
    expect((await series.bars('MSFT', '2021-01-01', '2022-12-31')).map(values)).toEqual(
      expected.map(values),
    );

    expect(await series.meta('MSFT')).toMatchObject({
      first_date: '2021-02-01',
      last_date: '2022-01-28',
      bars: 252,
      currency: 'USD',
      exchange_timezone: 'America/New_York',
      fetched_at: '2022-02-02T00:00:00.000Z',
    });
    expect((await series.events('MSFT')).dividends.map((d) => d.date)).toEqual([
      '2021-02-17',
      '2021-05-19',
      '2021-08-18',
      '2021-11-17',
    ]);
  });

  it('keeps the AAPL split and dividend with the series, and a range read returns only that range', async () => {
    const history = await yahoo.dailyHistory('AAPL', '2020-08-31', '2020-11-06');
    await series.merge(history, '2020-11-07T00:00:00.000Z', '2020-08-31');
    expect(await series.events('AAPL')).toEqual({
      splits: [{ date: '2020-08-31', numerator: 4, denominator: 1 }],
      dividends: [{ date: '2020-11-06', amount: 0.205 }],
    });
    const october = await series.bars('AAPL', '2020-10-01', '2020-10-31');
    expect(october.map(values)).toEqual(
      history.bars.filter((b) => b.date.startsWith('2020-10')).map(values),
    );
    // The same events seen again are known: a plain merge.
    expect((await series.merge(history, '2020-11-08T00:00:00.000Z', '2020-08-31')).status).toBe(
      'merged',
    );
  });
});

describe('a split newly seen', () => {
  it('makes the whole series consistent with one request for the whole history', async () => {
    const after = recordedChart(MSFT_FILE);
    const splitDate = '2021-06-15';
    const splitTs = tsOf(after, splitDate);
    after.events = {
      ...after.events,
      splits: { [splitTs]: { date: splitTs, numerator: 2, denominator: 1, splitRatio: '2:1' } },
    };
    // Before the split, the provider's prices of earlier days were twice the adjusted ones.
    const before = repriced(
      after,
      (ts) => ts < splitTs,
      (p) => p * 2,
    );
    delete before.events!.splits;

    replay.setHistory('MSFT', before);
    const early = await yahoo.dailyHistory('MSFT', '2021-02-01', '2021-06-14');
    await series.merge(early, '2021-06-14T22:00:00.000Z', '2021-02-01');
    const stale = await series.bars('MSFT', '2021-01-01', '2021-12-31');

    replay.setHistory('MSFT', after);
    replay.reset();
    replay.setHistory('MSFT', after);
    const window = await yahoo.dailyHistory('MSFT', '2021-06-01', '2021-06-30');
    const fetchedAt = '2021-06-30T22:00:00.000Z';
    // The merge alone refuses, writing nothing: the series would be a mix.
    expect(await series.merge(window, fetchedAt, '2021-06-01')).toEqual({
      status: 'rebase',
      event: `split:${splitDate}`,
    });
    expect(await series.bars('MSFT', '2021-01-01', '2021-12-31')).toEqual(stale);

    const requestsBefore = replay.stats.total;
    const result = await syncSeries(series, window, fetchedAt, '2021-06-01', '2021-06-30', (s, e) =>
      yahoo.dailyHistory('MSFT', s, e).then((history) => ({ history })),
    );
    expect(result).toMatchObject({ status: 'rebased', event: `split:${splitDate}`, requests: 1 });
    expect(replay.stats.total - requestsBefore).toBe(1);

    const whole = await yahoo.dailyHistory('MSFT', '2021-02-01', '2021-06-30');
    const stored = await series.bars('MSFT', '2021-01-01', '2021-12-31');
    expect(stored.map(values)).toEqual(whole.bars.map(values));
    expect((await series.events('MSFT')).splits).toEqual([
      { date: splitDate, numerator: 2, denominator: 1 },
    ]);

    // A fetch made before the split that arrives late cannot bring old prices back.
    await series.merge(early, '2021-06-14T22:00:00.000Z', '2021-02-01');
    expect((await series.bars('MSFT', '2021-01-01', '2021-12-31')).map(values)).toEqual(
      whole.bars.map(values),
    );
  });
});

describe('writers in two processes', () => {
  it('lose no bar when both merge into the same year string at once', async () => {
    const writer = (first: number) =>
      run(
        process.execPath,
        [
          '--import',
          'tsx',
          'test/support/merge-writer.ts',
          server.url,
          'RACE',
          String(first),
          '2',
          '150',
        ],
        { cwd: process.cwd() },
      );
    const [a, b] = await Promise.all([writer(0), writer(1)]);
    expect(a.stdout.trim()).toBe('done');
    expect(b.stdout.trim()).toBe('done');
    const stored = await series.bars('RACE', '2001-01-01', '2001-12-31');
    expect(stored).toHaveLength(300);
    expect(stored.map((bar) => bar.close)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect((await series.meta('RACE'))?.bars).toBe(300);
  });
});

describe('retention of per-run records', () => {
  it('keeps exactly the newest N records of a symbol and their index entries', async () => {
    const store = new StockDataStore(redis, 5);
    const history = await yahoo.dailyHistory('MSFT', '2021-02-01', '2021-02-05');
    const written: string[] = [];
    for (let i = 0; i < 8; i++) {
      const end = `2021-02-${String(10 + i).padStart(2, '0')}`;
      written.push(
        await store.save(
          toRecord(history, {
            start: '2021-02-01',
            end,
            source: 'yahoo',
            job_id: 'job',
            run_id: `run-${i}`,
            fetched_at: new Date(Date.UTC(2021, 1, 10 + i)).toISOString(),
          }),
        ),
      );
    }
    const newest = written.slice(-5);
    expect((await redis.keys('scheduled_stock_data:MSFT:*')).sort()).toEqual([...newest].sort());
    expect(await redis.zrange(keys.stockDataIndex('MSFT'), 0, -1)).toEqual(newest);
    expect((await store.listForSymbol('MSFT')).map((r) => r.key)).toEqual([...newest].reverse());
  });
});
