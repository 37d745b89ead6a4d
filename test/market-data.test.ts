/**
 * The Yahoo client against the replay server (real HTTP, the real recordings) and the stock data
 * store against a real redis-server.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  defaultFixturesDir,
  startReplayServer,
  type ReplayServer,
} from '../src/replay/replay-server';
import { keys } from '../src/server/keys';
import { ProviderError } from '../src/server/market-data/provider';
import { StockDataStore, type StockDataRecord } from '../src/server/market-data/stock-data-store';
import {
  chartPeriod,
  normaliseChart,
  parseRetryAfter,
  YahooProvider,
} from '../src/server/market-data/yahoo';
import { startTestRedis, type TestRedis } from './support/redis-server';

interface RecordedChart {
  timestamp: number[];
  indicators: {
    quote: { open: number[]; high: number[]; low: number[]; close: number[]; volume: number[] }[];
    adjclose: { adjclose: number[] }[];
  };
}

function recorded(file: string): RecordedChart {
  const raw = JSON.parse(readFileSync(path.join(defaultFixturesDir(), file), 'utf8')) as {
    response: { bodyJson?: unknown; body?: string };
  };
  const body = (raw.response.bodyJson ?? JSON.parse(raw.response.body!)) as {
    chart: { result: RecordedChart[] };
  };
  return body.chart.result[0]!;
}

/**
 * What the store keeps of a recorded price: 7 significant digits, what the provider's float32
 * encoding carries. Written out here, not imported, so the client's rounding is what is tested.
 */
const float32Digits = (v: number | null | undefined) =>
  v === null || v === undefined ? null : Number(v.toPrecision(7));

let replay: ReplayServer;
let yahoo: YahooProvider;

async function providerError(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

beforeAll(async () => {
  replay = await startReplayServer();
  yahoo = new YahooProvider({ baseUrl: replay.url, timeoutMs: 2000 });
});

beforeEach(() => replay.reset());

afterAll(async () => {
  await replay?.close();
});

describe('Yahoo provider: recordings', () => {
  it('AAPL 2020-08-31..2020-11-06: 49 bars, the 4:1 split, the 0.205 dividend, values as recorded to 7 digits', async () => {
    const history = await yahoo.dailyHistory('AAPL', '2020-08-31', '2020-11-06');
    expect(history).toMatchObject({
      symbol: 'AAPL',
      currency: 'USD',
      exchange_timezone: 'America/New_York',
    });
    expect(history.bars).toHaveLength(49);
    expect(history.bars[0]!.date).toBe('2020-08-31');
    expect(history.bars.at(-1)!.date).toBe('2020-11-06');
    expect(history.splits).toEqual([{ date: '2020-08-31', numerator: 4, denominator: 1 }]);
    expect(history.dividends).toEqual([{ date: '2020-11-06', amount: 0.205 }]);

    const r = recorded('chart-AAPL-2020-08-31-to-2020-11-07.json');
    const q = r.indicators.quote[0]!;
    history.bars.forEach((bar, i) => {
      expect(bar).toEqual({
        date: new Date(r.timestamp[i]! * 1000 - 4 * 3_600_000).toISOString().slice(0, 10),
        open: float32Digits(q.open[i]),
        high: float32Digits(q.high[i]),
        low: float32Digits(q.low[i]),
        close: float32Digits(q.close[i]),
        adj_close: float32Digits(r.indicators.adjclose[0]!.adjclose[i]),
        volume: q.volume[i],
      });
    });
    // The recording carries float32 noise (127.58000183105469); none of it reaches the bars.
    expect(q.close.some((v) => String(v).length > 12)).toBe(true);
    expect(history.bars.every((b) => String(b.close).length <= 9)).toBe(true);
    expect(history.bars.some((b) => b.close !== b.adj_close)).toBe(true);
    // One request, for the asked range widened by a day on each side.
    expect(replay.stats.total).toBe(1);
  });

  it('MSFT 2021-02-01..2022-01-31: 252 bars and 4 dividends', async () => {
    const history = await yahoo.dailyHistory('MSFT', '2021-02-01', '2022-01-31');
    expect(history.bars).toHaveLength(252);
    expect(history.bars[0]!.date).toBe('2021-02-01');
    expect(history.bars.at(-1)!.date).toBe('2022-01-28');
    expect(history.dividends).toEqual([
      { date: '2021-02-17', amount: 0.56 },
      { date: '2021-05-19', amount: 0.56 },
      { date: '2021-08-18', amount: 0.56 },
      { date: '2021-11-17', amount: 0.62 },
    ]);
    expect(history.splits).toEqual([]);
  });

  it('drops days outside the asked range', async () => {
    const history = await yahoo.dailyHistory('MSFT', '2021-03-01', '2021-03-05');
    expect(history.bars.map((b) => b.date)).toEqual([
      '2021-03-01',
      '2021-03-02',
      '2021-03-03',
      '2021-03-04',
      '2021-03-05',
    ]);
    expect(history.dividends).toEqual([]);
  });

  it('the mutual fund 0P0000XTS7: the all-null last row is no bar, volume 0 is kept', async () => {
    const history = await yahoo.dailyHistory('0P0000XTS7', '2024-09-12', '2024-09-16');
    expect(history.bars).toEqual([
      {
        date: '2024-09-12',
        open: float32Digits(11887.099609375),
        high: float32Digits(11887.099609375),
        low: float32Digits(11887.099609375),
        close: float32Digits(11887.099609375),
        adj_close: float32Digits(11887.099609375),
        volume: 0,
      },
    ]);
  });

  it('SI: unknown symbol, in the provider’s words, not retryable', async () => {
    const error = await providerError(yahoo.dailyHistory('SI', '2020-01-01', '2020-01-03'));
    expect(error).toMatchObject({ kind: 'unknown_symbol', retryable: false, status: 404 });
    expect(error.message).toBe(
      'unknown symbol (provider said: No data found, symbol may be delisted)',
    );
  });

  it('BEKE: no data in range, in the provider’s words, not retryable', async () => {
    const error = await providerError(yahoo.dailyHistory('BEKE', '2020-01-01', '2020-01-03'));
    expect(error).toMatchObject({ kind: 'no_data', retryable: false, status: 400 });
    expect(error.message).toBe(
      "no data in range (provider said: Data doesn't exist for startDate = 1577836800, endDate = 1578009600)",
    );
  });
});

describe('Yahoo provider: faults become typed errors', () => {
  const goog = () => yahoo.dailyHistory('GOOG', '2020-01-01', '2020-01-03');

  it('429 → rate_limited with Retry-After in ms', async () => {
    replay.setFaults('GOOG', [{ status: 429, retryAfter: 3 }]);
    expect(await providerError(goog())).toMatchObject({
      kind: 'rate_limited',
      retryable: true,
      retryAfterMs: 3000,
      status: 429,
    });
  });

  it('500 and 503 → server_error, retryable', async () => {
    replay.setFaults('GOOG', [{ status: 500 }, { status: 503 }]);
    expect(await providerError(goog())).toMatchObject({
      kind: 'server_error',
      status: 500,
      retryable: true,
    });
    expect(await providerError(goog())).toMatchObject({
      kind: 'server_error',
      status: 503,
      retryable: true,
    });
  });

  it('403 → a refusal that is not retried', async () => {
    replay.setFaults('GOOG', [{ status: 403, body: 'Forbidden' }]);
    expect(await providerError(goog())).toMatchObject({
      kind: 'server_error',
      status: 403,
      retryable: false,
    });
  });

  it('a hang → timeout after the configured time', async () => {
    replay.setFaults('GOOG', ['hang']);
    const quick = new YahooProvider({ baseUrl: replay.url, timeoutMs: 200 });
    const t = performance.now();
    const error = await providerError(quick.dailyHistory('GOOG', '2020-01-01', '2020-01-03'));
    expect(error).toMatchObject({ kind: 'timeout', retryable: true });
    expect(performance.now() - t).toBeGreaterThanOrEqual(190);
  });

  it('a body that stalls after the headers → timeout too', async () => {
    replay.setFaults('GOOG', [{ latencyMs: 400 }]);
    const quick = new YahooProvider({ baseUrl: replay.url, timeoutMs: 200 });
    expect(
      await providerError(quick.dailyHistory('GOOG', '2020-01-01', '2020-01-03')),
    ).toMatchObject({
      kind: 'timeout',
    });
  });

  it('a reset connection → network, retryable', async () => {
    replay.setFaults('GOOG', ['reset']);
    const error = await providerError(goog());
    expect(error).toMatchObject({ kind: 'network', retryable: true });
    expect(error.message).toMatch(/connection reset|other side closed/);
  });

  it('a truncated body → malformed, with what was wrong', async () => {
    replay.setFaults('GOOG', ['malformed']);
    const error = await providerError(goog());
    expect(error).toMatchObject({ kind: 'malformed', retryable: false });
    expect(error.message).toMatch(
      /^malformed provider response: not JSON \(HTTP 200 OK, \d+ bytes/,
    );
  });

  it('valid JSON of the wrong shape → malformed, naming the field', async () => {
    replay.setFaults('GOOG', [
      { status: 200, body: '{"chart":{"result":[{"meta":{},"indicators":{"quote":"x"}}]}}' },
    ]);
    const error = await providerError(goog());
    expect(error.kind).toBe('malformed');
    expect(error.message).toMatch(
      /^malformed provider response: chart\.result\.0\.indicators\.quote: /,
    );
  });

  it('nobody listening → network', async () => {
    const closed = await startReplayServer();
    await closed.close();
    const gone = new YahooProvider({ baseUrl: closed.url, timeoutMs: 1000 });
    const error = await providerError(gone.dailyHistory('GOOG', '2020-01-01', '2020-01-03'));
    expect(error).toMatchObject({ kind: 'network', retryable: true });
    expect(error.message).toMatch(/connection refused/);
  });

  it('an abort of the caller is the caller’s abort, not a provider error', async () => {
    replay.setFaults('GOOG', ['hang']);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('run stopped')), 50);
    await expect(
      yahoo.dailyHistory('GOOG', '2020-01-01', '2020-01-03', controller.signal),
    ).rejects.toThrow('run stopped');
  });
});

describe('Yahoo provider: normalisation', () => {
  it('asks from start-1 day to end+2 days, 00:00 UTC', () => {
    expect(chartPeriod('2020-08-31', '2020-11-06')).toEqual({
      period1: Date.parse('2020-08-30T00:00:00Z') / 1000,
      period2: Date.parse('2020-11-08T00:00:00Z') / 1000,
    });
    expect(yahoo.chartUrl('BRK.B', '2020-01-02', '2020-01-02')).toBe(
      `${replay.url}/v8/finance/chart/BRK.B?period1=1577836800&period2=1578096000&interval=1d&events=div,split`,
    );
    expect(yahoo.chartUrl('^GSPC', '2020-01-02', '2020-01-02')).toContain('/chart/%5EGSPC?');
  });

  it('dates bars in the exchange zone: Sydney’s open at 23:00Z is the next day', () => {
    const history = normaliseChart(
      'BHP.AX',
      {
        meta: { currency: 'AUD', exchangeTimezoneName: 'Australia/Sydney' },
        // 2024-01-01T23:00Z and 2024-01-02T23:00Z: the sessions of Jan 2 and Jan 3 in Sydney.
        timestamp: [1704150000, 1704236400],
        indicators: {
          quote: [{ open: [1, 2], high: [1, 2], low: [1, 2], close: [1, 2], volume: [10, 20] }],
        },
      },
      '2024-01-02',
      '2024-01-03',
    );
    expect(history.bars.map((b) => [b.date, b.close, b.adj_close])).toEqual([
      ['2024-01-02', 1, null],
      ['2024-01-03', 2, null],
    ]);
  });

  it('keeps the later of two timestamps on one date (Yahoo repeats the live day)', () => {
    const history = normaliseChart(
      'X',
      {
        meta: { exchangeTimezoneName: 'America/New_York' },
        timestamp: [1700577000, 1700600400],
        indicators: {
          quote: [{ open: [1, 1], high: [2, 3], low: [1, 1], close: [1.5, 2.5], volume: [5, 9] }],
        },
      },
      '2023-11-21',
      '2023-11-21',
    );
    expect(history.bars).toEqual([
      { date: '2023-11-21', open: 1, high: 3, low: 1, close: 2.5, adj_close: null, volume: 9 },
    ]);
  });

  it('prices to 7 significant digits (float32), volumes and splits untouched', () => {
    const history = normaliseChart(
      'X',
      {
        meta: { exchangeTimezoneName: 'America/New_York' },
        timestamp: [1700577000],
        indicators: {
          quote: [
            {
              open: [127.58000183105469],
              high: [13.05325],
              low: [0.012345678],
              close: [654321.0625],
              volume: [123456789],
            },
          ],
          adjclose: [{ adjclose: [126.41233825683594] }],
        },
        events: { dividends: { x: { amount: 0.20499999821186066, date: 1700577000 } } },
      },
      '2023-11-21',
      '2023-11-21',
    );
    expect(history.bars).toEqual([
      {
        date: '2023-11-21',
        open: 127.58,
        high: 13.05325,
        low: 0.01234568,
        close: 654321.1,
        adj_close: 126.4123,
        volume: 123456789,
      },
    ]);
    expect(history.dividends).toEqual([{ date: '2023-11-21', amount: 0.205 }]);
  });

  it('no timestamps (a weekend) is an empty history, not an error', () => {
    const history = normaliseChart(
      'X',
      {
        meta: { exchangeTimezoneName: 'America/New_York', currency: 'USD' },
        indicators: { quote: [{}] },
      },
      '2024-01-06',
      '2024-01-07',
    );
    expect(history).toMatchObject({ bars: [], dividends: [], splits: [], currency: 'USD' });
  });

  it('columns that do not match the timestamps are malformed', () => {
    expect(() =>
      normaliseChart(
        'X',
        {
          meta: { exchangeTimezoneName: 'America/New_York' },
          timestamp: [1700577000, 1700663400],
          indicators: { quote: [{ close: [1] }] },
        },
        '2023-11-01',
        '2023-11-30',
      ),
    ).toThrow('malformed provider response: close has 1 values for 2 timestamps');
  });

  it('reads Retry-After as seconds or as a date', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter('0.5')).toBe(500);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
  });
});

describe('StockDataStore', () => {
  let redis: TestRedis;
  let client: Redis;
  let store: StockDataStore;

  const record = (over: Partial<StockDataRecord> = {}): StockDataRecord => ({
    symbol: 'AAPL',
    start: '2025-09-21',
    end: '2025-10-21',
    interval: '1d',
    source: 'yahoo',
    currency: 'USD',
    exchange_timezone: 'America/New_York',
    fetched_at: '2025-10-21T21:00:00.000Z',
    job_id: 'job-1',
    run_id: 'run-1',
    bars: [
      { date: '2025-09-22', open: 1, high: 2, low: 0.5, close: 1.5, adj_close: 1.4, volume: 100 },
    ],
    dividends: [{ date: '2025-09-22', amount: 0.1 }],
    splits: [],
    ...over,
  });

  beforeAll(async () => {
    redis = await startTestRedis();
    client = new Redis(redis.url);
    store = new StockDataStore(client);
  });
  beforeEach(async () => {
    await client.flushall();
  });
  afterAll(async () => {
    client?.disconnect();
    await redis?.stop();
  });

  it('writes the contract key as one JSON string, with its index entry', async () => {
    const key = await store.save(record());
    expect(key).toBe('scheduled_stock_data:AAPL:2025-09-21:2025-10-21');
    expect(await client.type(key)).toBe('string');
    expect(JSON.parse((await client.get(key))!)).toEqual(record());
    expect(await client.zrange(keys.stockDataIndex('AAPL'), 0, -1, 'WITHSCORES')).toEqual([
      key,
      String(Date.parse('2025-10-21T21:00:00.000Z')),
    ]);
  });

  it('the same record written twice: one key, the same bytes, whatever the field order', async () => {
    await store.save(record());
    const first = await client.get('scheduled_stock_data:AAPL:2025-09-21:2025-10-21');
    const reordered = Object.fromEntries(Object.entries(record()).reverse()) as StockDataRecord;
    await store.save(reordered);
    expect(await client.keys('scheduled_stock_data:*')).toEqual([
      'scheduled_stock_data:AAPL:2025-09-21:2025-10-21',
    ]);
    expect(await client.get('scheduled_stock_data:AAPL:2025-09-21:2025-10-21')).toBe(first);
    expect(await client.zcard(keys.stockDataIndex('AAPL'))).toBe(1);
  });

  it('get: the range asked, else the newest fetch; listForSymbol newest first', async () => {
    await store.save(record());
    await store.save(
      record({ start: '2025-10-01', end: '2025-10-31', fetched_at: '2025-10-31T21:00:00.000Z' }),
    );
    await store.save(record({ symbol: 'MSFT' }));
    expect((await store.get('AAPL'))!.end).toBe('2025-10-31');
    expect((await store.get('aapl', { start: '2025-09-21', end: '2025-10-21' }))!.end).toBe(
      '2025-10-21',
    );
    expect(await store.get('AAPL', { start: '2020-01-01', end: '2020-01-02' })).toBeNull();
    expect(await store.get('NFLX')).toBeNull();
    expect(await store.listForSymbol('AAPL')).toEqual([
      {
        key: 'scheduled_stock_data:AAPL:2025-10-01:2025-10-31',
        start: '2025-10-01',
        end: '2025-10-31',
        fetched_at: '2025-10-31T21:00:00.000Z',
      },
      {
        key: 'scheduled_stock_data:AAPL:2025-09-21:2025-10-21',
        start: '2025-09-21',
        end: '2025-10-21',
        fetched_at: '2025-10-21T21:00:00.000Z',
      },
    ]);
    // A record deleted by hand is skipped, not returned as a ghost.
    await client.del('scheduled_stock_data:AAPL:2025-10-01:2025-10-31');
    expect((await store.get('AAPL'))!.end).toBe('2025-10-21');
    expect(await store.listForSymbol('AAPL')).toHaveLength(1);
  });

  it('a corrupted record is reported by key, with what to do', async () => {
    await client.set('scheduled_stock_data:AAPL:2025-09-21:2025-10-21', '{"symbol":');
    await expect(store.get('AAPL', { start: '2025-09-21', end: '2025-10-21' })).rejects.toThrow(
      'stored record scheduled_stock_data:AAPL:2025-09-21:2025-10-21 is not JSON: delete it and run the job again',
    );
  });

  it('readers never see half a record while it is rewritten', async () => {
    const big = record({
      bars: Array.from({ length: 3000 }, (_, i) => ({
        date: `d${i}`,
        open: i,
        high: i,
        low: i,
        close: i,
        adj_close: i,
        volume: i,
      })),
    });
    const reader = new Redis(redis.url);
    try {
      const writes = Promise.all(
        Array.from({ length: 20 }, (_, i) => store.save({ ...big, run_id: `r${i}` })),
      );
      const reads: (string | null)[] = [];
      for (let i = 0; i < 50; i++)
        reads.push(await reader.get('scheduled_stock_data:AAPL:2025-09-21:2025-10-21'));
      await writes;
      for (const raw of reads) if (raw !== null) expect(JSON.parse(raw).bars).toHaveLength(3000);
    } finally {
      reader.disconnect();
    }
  });
});
