/**
 * The JobExecutor end to end: the real Yahoo client over HTTP to the replay server, records in a
 * real redis-server. Backoffs are small so that retries take milliseconds.
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
import { SeriesStore } from '../src/server/market-data/series-store';
import { StockDataStore, type StockDataRecord } from '../src/server/market-data/stock-data-store';
import { createProvider } from '../src/server/market-data/yahoo';
import {
  JobExecutor,
  type ExecutorConfig,
  type RunRequest,
} from '../src/server/scheduler/job-executor';
import { startTestRedis, type TestRedis } from './support/redis-server';

let redis: TestRedis;
let client: Redis;
let replay: ReplayServer;

const base: ExecutorConfig = {
  PROVIDER_MAX_RPS: 100,
  PROVIDER_CONCURRENCY: 8,
  PROVIDER_MAX_ATTEMPTS: 4,
  PROVIDER_BACKOFF_MS: 10,
};

function executor(
  over: Partial<ExecutorConfig> & { timeoutMs?: number; url?: string; redis?: Redis } = {},
) {
  const { timeoutMs = 2000, url = replay.url, redis: conn = client, ...config } = over;
  return new JobExecutor({
    redis: conn,
    provider: createProvider({ YAHOO_BASE_URL: url, PROVIDER_TIMEOUT_MS: timeoutMs }),
    config: { ...base, ...config },
  });
}

let runs = 0;
const run = (symbols: string[], start = '2020-01-01', end = '2020-01-03'): RunRequest => ({
  run_id: `run-${++runs}`,
  job_id: 'job-1',
  symbols,
  start,
  end,
});

async function stored(key: string): Promise<StockDataRecord> {
  const raw = await client.get(key);
  expect(raw).not.toBeNull();
  return JSON.parse(raw!) as StockDataRecord;
}

beforeAll(async () => {
  redis = await startTestRedis();
  client = new Redis(redis.url);
  replay = await startReplayServer();
});

beforeEach(async () => {
  replay.reset();
  await client.flushall();
});

afterAll(async () => {
  client?.disconnect();
  await replay?.close();
  await redis?.stop();
});

describe('recorded backfills', () => {
  it('AAPL 2020-08-31..2020-11-06: 49 bars stored as recorded, with the split and dividend', async () => {
    const req = run(['AAPL'], '2020-08-31', '2020-11-06');
    const result = await executor().execute(req);
    const key = 'scheduled_stock_data:AAPL:2020-08-31:2020-11-06';
    expect(result).toEqual({
      status: 'completed',
      symbols: [{ symbol: 'AAPL', status: 'ok', bars: 49, key }],
      error: null,
      data_issues_new: 0,
    });
    const record = await stored(key);
    expect(record).toMatchObject({
      symbol: 'AAPL',
      start: '2020-08-31',
      end: '2020-11-06',
      interval: '1d',
      source: 'yahoo',
      currency: 'USD',
      exchange_timezone: 'America/New_York',
      job_id: 'job-1',
      run_id: req.run_id,
      splits: [{ date: '2020-08-31', numerator: 4, denominator: 1 }],
      dividends: [{ date: '2020-11-06', amount: 0.205 }],
    });
    expect(Date.parse(record.fetched_at)).toBeGreaterThan(Date.now() - 60_000);
    expect(record.bars).toHaveLength(49);
    expect(record.bars[0]!.date).toBe('2020-08-31');

    const fixture = JSON.parse(
      readFileSync(
        path.join(defaultFixturesDir(), 'chart-AAPL-2020-08-31-to-2020-11-07.json'),
        'utf8',
      ),
    ) as {
      response: {
        bodyJson: {
          chart: {
            result: [
              {
                indicators: {
                  quote: [Record<'open' | 'high' | 'low' | 'close' | 'volume', number[]>];
                  adjclose: [{ adjclose: number[] }];
                };
              },
            ];
          };
        };
      };
    };
    const r = fixture.response.bodyJson.chart.result[0];
    const q = r.indicators.quote[0];
    // Prices are stored to the 7 significant digits their float32 encoding carries.
    const digits7 = (values: number[]) => values.map((v) => Number(v.toPrecision(7)));
    expect(record.bars.map((b) => b.open)).toEqual(digits7(q.open));
    expect(record.bars.map((b) => b.high)).toEqual(digits7(q.high));
    expect(record.bars.map((b) => b.low)).toEqual(digits7(q.low));
    expect(record.bars.map((b) => b.close)).toEqual(digits7(q.close));
    expect(record.bars.map((b) => b.volume)).toEqual(q.volume);
    expect(record.bars.map((b) => b.adj_close)).toEqual(digits7(r.indicators.adjclose[0].adjclose));
    // The index points at it, so the newest record of AAPL is this one.
    expect(await new StockDataStore(client).get('AAPL')).toEqual(record);
  });

  it('MSFT 2021-02-01..2022-01-31: 252 bars and 4 dividends', async () => {
    const result = await executor().execute(run(['MSFT'], '2021-02-01', '2022-01-31'));
    expect(result.status).toBe('completed');
    expect(result.symbols[0]).toMatchObject({ status: 'ok', bars: 252 });
    const record = await stored(result.symbols[0]!.key!);
    expect(record.bars).toHaveLength(252);
    expect(record.dividends).toHaveLength(4);
  });

  it('mutual fund 0P0000XTS7: the all-null last row is dropped', async () => {
    const result = await executor().execute(run(['0P0000XTS7'], '2024-09-12', '2024-09-16'));
    expect(result.symbols[0]).toMatchObject({ status: 'ok', bars: 1 });
    const record = await stored(result.symbols[0]!.key!);
    expect(record.bars.map((b) => b.date)).toEqual(['2024-09-12']);
  });

  it('SI: unknown symbol, asked exactly once', async () => {
    const result = await executor().execute(run(['SI']));
    expect(result.symbols).toEqual([
      {
        symbol: 'SI',
        status: 'error',
        error: 'unknown symbol (provider said: No data found, symbol may be delisted)',
      },
    ]);
    expect(result.status).toBe('failed');
    expect(result.error).toBe(
      'all 1 symbol failed: SI: unknown symbol (provider said: No data found, symbol may be delisted)',
    );
    expect(replay.stats.bySymbol).toEqual({ SI: 1 });
    expect(await client.keys('scheduled_stock_data:*')).toEqual([]);
  });

  it('BEKE: no data in range, asked exactly once; GOOG beside it is stored: partial', async () => {
    const result = await executor().execute(run(['BEKE', 'GOOG']));
    expect(result.status).toBe('partial');
    expect(result.error).toBeNull();
    expect(result.symbols[0]).toEqual({
      symbol: 'BEKE',
      status: 'error',
      error:
        "no data in range (provider said: Data doesn't exist for startDate = 1577836800, endDate = 1578009600)",
    });
    expect(result.symbols[1]).toEqual({
      symbol: 'GOOG',
      status: 'ok',
      bars: 1,
      key: 'scheduled_stock_data:GOOG:2020-01-01:2020-01-03',
    });
    expect(replay.stats.bySymbol).toEqual({ BEKE: 1, GOOG: 1 });
  });
});

describe('retries', () => {
  it('429 with Retry-After: 1, then success; the second request came a second later', async () => {
    replay.setFaults('GOOG', [{ status: 429, retryAfter: 1 }]);
    const result = await executor().execute(run(['GOOG']));
    expect(result.status).toBe('completed');
    const [first, second] = replay.stats.requests;
    expect(replay.stats.requests.map((r) => r.outcome)).toEqual(['429', 'ok']);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(990);
  });

  it('a 429 pauses the other symbols too (the limiter is paused for everyone)', async () => {
    replay.setFaults('GOOG', [{ status: 429, retryAfter: 1 }]);
    const ex = executor({ PROVIDER_CONCURRENCY: 1 });
    const result = await ex.execute(run(['GOOG', 'AAPL']));
    expect(result.status).toBe('completed');
    const [goog429, aapl] = replay.stats.requests;
    expect(goog429!.outcome).toBe('429');
    expect(aapl!.symbol).toBe('AAPL');
    expect(aapl!.at - goog429!.at).toBeGreaterThanOrEqual(990);
  });

  it('two 500s, then success', async () => {
    replay.setFaults('GOOG', [{ status: 500 }, { status: 500 }]);
    const result = await executor().execute(run(['GOOG']));
    expect(result.status).toBe('completed');
    expect(replay.stats.bySymbol.GOOG).toBe(3);
  });

  it('a hang past the timeout, then success', async () => {
    replay.setFaults('GOOG', ['hang']);
    const t = performance.now();
    const result = await executor({ timeoutMs: 300 }).execute(run(['GOOG']));
    expect(result.status).toBe('completed');
    expect(replay.stats.requests.map((r) => r.outcome)).toEqual(['hang', 'ok']);
    expect(performance.now() - t).toBeGreaterThanOrEqual(290);
  });

  it('a reset connection, then success', async () => {
    replay.setFaults('GOOG', ['reset', 'reset']);
    const result = await executor().execute(run(['GOOG']));
    expect(result.status).toBe('completed');
    expect(replay.stats.bySymbol.GOOG).toBe(3);
  });

  it('a symbol failing every attempt: partial, the others stored, the error in plain words', async () => {
    replay.setFaults('GOOG', { status: 500 });
    const result = await executor().execute(
      run(['AAPL', 'GOOG', 'MSFT'], '2020-09-01', '2020-09-30'),
    );
    expect(result.status).toBe('partial');
    expect(result.symbols.map((s) => s.status)).toEqual(['ok', 'error', 'ok']);
    expect(result.symbols[1]).toEqual({
      symbol: 'GOOG',
      status: 'error',
      error: 'provider error 500 after 4 attempts',
    });
    expect(replay.stats.bySymbol.GOOG).toBe(4);
    expect((await client.keys('scheduled_stock_data:*')).sort()).toEqual([
      'scheduled_stock_data:AAPL:2020-09-01:2020-09-30',
      'scheduled_stock_data:MSFT:2020-09-01:2020-09-30',
    ]);
  });

  it('words for each way of running out of attempts', async () => {
    replay.setFaults({
      symbols: { AAPL: { status: 429 }, MSFT: 'hang', GOOG: 'reset' },
    });
    const result = await executor({ PROVIDER_MAX_ATTEMPTS: 2, timeoutMs: 200 }).execute(
      run(['AAPL', 'MSFT', 'GOOG']),
    );
    expect(result.status).toBe('failed');
    expect(result.symbols.map((s) => s.error)).toEqual([
      'rate-limited after 2 attempts',
      'provider timeout after 2 attempts',
      expect.stringMatching(/^provider unreachable after 2 attempts: connection reset/),
    ]);
    expect(result.error).toMatch(
      /^all 3 symbols failed: AAPL: rate-limited after 2 attempts; MSFT: /,
    );
  });

  it('a malformed body: a clear error, asked once, no crash', async () => {
    replay.setFaults('GOOG', 'malformed');
    const result = await executor().execute(run(['GOOG', 'AAPL'], '2020-09-01', '2020-09-30'));
    expect(result.status).toBe('partial');
    expect(result.symbols[0]!.error).toMatch(
      /^malformed provider response: not JSON \(HTTP 200 OK, \d+ bytes: /,
    );
    expect(replay.stats.bySymbol.GOOG).toBe(1);
  });

  it('a Retry-After over a minute ends the attempts instead of stalling the run', async () => {
    replay.setFaults('GOOG', [{ status: 429, retryAfter: 3600 }]);
    const result = await executor().execute(run(['GOOG']));
    expect(result.symbols[0]!.error).toBe(
      'rate-limited after 1 attempt (the provider asked to wait 3600 s)',
    );
  });
});

describe('the run', () => {
  it('reports progress as each symbol finishes', async () => {
    const seen: [number, number][] = [];
    await executor().execute(run(['AAPL', 'SI', 'GOOG']), {
      onProgress: (done, total) => seen.push([done, total]),
    });
    expect(seen).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
  });

  it('the same run twice leaves one key with the same content apart from fetched_at and run_id', async () => {
    const ex = executor();
    const first = await ex.execute(run(['AAPL'], '2020-08-31', '2020-11-06'));
    const a = await stored(first.symbols[0]!.key!);
    const second = await ex.execute(run(['AAPL'], '2020-08-31', '2020-11-06'));
    const b = await stored(second.symbols[0]!.key!);
    expect(await client.keys('scheduled_stock_data:*')).toHaveLength(1);
    expect(b.run_id).not.toBe(a.run_id);
    expect({ ...b, fetched_at: '', run_id: '' }).toEqual({ ...a, fetched_at: '', run_id: '' });
    expect(await client.zcard(keys.stockDataIndex('AAPL'))).toBe(1);
  });

  it('stops promptly when its signal aborts', async () => {
    replay.setFaults('GOOG', 'hang');
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('shutdown')), 100);
    const t = performance.now();
    const result = await executor({ timeoutMs: 10_000 }).execute(run(['GOOG', 'AAPL']), {
      signal: controller.signal,
    });
    expect(performance.now() - t).toBeLessThan(2000);
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/^cancelled/);
    expect(result.symbols[0]).toMatchObject({
      symbol: 'GOOG',
      status: 'error',
      error: expect.stringMatching(/^cancelled/),
    });
    expect(result.symbols[1]).toMatchObject({ symbol: 'AAPL', status: 'ok' });
  });

  it('keeps within PROVIDER_CONCURRENCY requests in flight', async () => {
    const synthetic = await startReplayServer({ synthetic: true, latencyMs: 50 });
    try {
      const symbols = Array.from({ length: 12 }, (_, i) => `C${i}`);
      const result = await executor({ url: synthetic.url, PROVIDER_CONCURRENCY: 3 }).execute(
        run(symbols, '2026-03-02', '2026-03-06'),
      );
      expect(result.status).toBe('completed');
      expect(synthetic.stats.total).toBe(12);
      expect(synthetic.stats.maxInFlight).toBe(3);
    } finally {
      await synthetic.close();
    }
  });
});

describe('sharing requests', () => {
  let synthetic: ReplayServer;
  beforeAll(async () => {
    synthetic = await startReplayServer({ synthetic: true, latencyMs: 100 });
  });
  beforeEach(() => synthetic.reset());
  afterAll(async () => {
    await synthetic?.close();
  });

  const FAANG = ['META', 'AAPL', 'AMZN', 'NFLX', 'GOOGL'];

  it('20 runs fired together over the same 5 symbols make 5 provider requests', async () => {
    const ex = executor({ url: synthetic.url });
    const results = await Promise.all(
      Array.from({ length: 20 }, () => ex.execute(run(FAANG, '2026-10-01', '2026-10-30'))),
    );
    expect(results.every((r) => r.status === 'completed')).toBe(true);
    expect(synthetic.stats.total).toBe(5);
    expect(synthetic.stats.bySymbol).toEqual(Object.fromEntries(FAANG.map((s) => [s, 1])));
    expect(ex.stats).toMatchObject({ providerRequests: 5, sharedInProcess: 95 });
    for (const r of results) {
      expect(r.symbols.map((s) => s.key)).toEqual(
        FAANG.map((s) => `scheduled_stock_data:${s}:2026-10-01:2026-10-30`),
      );
    }
    expect(await client.keys('scheduled_stock_data:*')).toHaveLength(5);
  });

  it('executors on separate connections (as separate processes) share through the Redis lock', async () => {
    const conns = [new Redis(redis.url), new Redis(redis.url), new Redis(redis.url)];
    try {
      const executors = conns.map((conn) => executor({ url: synthetic.url, redis: conn }));
      const results = await Promise.all(
        executors.flatMap((ex) =>
          Array.from({ length: 4 }, () => ex.execute(run(FAANG, '2026-09-01', '2026-09-30'))),
        ),
      );
      expect(results.every((r) => r.status === 'completed')).toBe(true);
      expect(synthetic.stats.total).toBe(5);
      const across = executors.reduce((n, ex) => n + ex.stats.sharedAcrossProcesses, 0);
      expect(across).toBe(10);
      // Waiters got the holder's outcome, the same key and bar count.
      const bars = new Set(results.flatMap((r) => r.symbols.map((s) => `${s.symbol}:${s.bars}`)));
      expect(bars.size).toBe(5);
      expect(await client.keys('scheduler:fetch_lock:*')).toEqual([]);
    } finally {
      for (const c of conns) c.disconnect();
    }
  });

  it('a lock left by a dead process expires and the waiter fetches itself', async () => {
    await client.set(keys.fetchLock('NFLX', '2026-08-03', '2026-08-07'), 'dead-process', 'PX', 400);
    const t = performance.now();
    const result = await executor({ url: synthetic.url }).execute(
      run(['NFLX'], '2026-08-03', '2026-08-07'),
    );
    expect(result.status).toBe('completed');
    expect(performance.now() - t).toBeGreaterThanOrEqual(390);
    expect(synthetic.stats.total).toBe(1);
  });

  it('a run that stops does not cancel the fetch another run shares', async () => {
    const ex = executor({ url: synthetic.url });
    synthetic.setFaults('AMZN', [{ latencyMs: 300 }]);
    const controller = new AbortController();
    const stopped = ex.execute(run(['AMZN'], '2026-07-01', '2026-07-31'), {
      signal: controller.signal,
    });
    const kept = ex.execute(run(['AMZN'], '2026-07-01', '2026-07-31'));
    setTimeout(() => controller.abort(new Error('stop')), 50);
    expect((await stopped).status).toBe('failed');
    expect(await kept).toMatchObject({
      status: 'completed',
      symbols: [{ symbol: 'AMZN', status: 'ok' }],
    });
    expect(synthetic.stats.total).toBe(1);
  });

  it('runs that do not overlap in time each fetch', async () => {
    const ex = executor({ url: synthetic.url });
    await ex.execute(run(['META'], '2026-06-01', '2026-06-30'));
    await ex.execute(run(['META'], '2026-06-01', '2026-06-30'));
    expect(synthetic.stats.total).toBe(2);
  });
});

describe('a run feeds the series', () => {
  it('MSFT over a year: the series holds the run record bar for bar, and its dividends', async () => {
    const result = await executor().execute(run(['MSFT'], '2021-02-01', '2022-01-31'));
    expect(result.status).toBe('completed');
    const record = await stored(result.symbols[0]!.key!);
    const series = new SeriesStore(client);
    const bars = await series.bars('MSFT', '2021-02-01', '2022-01-31');
    expect(bars.map((b) => [b.date, b.close, b.adj_close, b.volume])).toEqual(
      record.bars.map((b) => [b.date, b.close, b.adj_close, b.volume]),
    );
    expect((await series.meta('MSFT'))?.first_date).toBe(record.bars[0]!.date);
    expect((await series.events('MSFT')).dividends).toHaveLength(4);
  });

  it('a symbol that fails stores nothing in the series', async () => {
    const result = await executor().execute(run(['SI']));
    expect(result.status).toBe('failed');
    expect(await new SeriesStore(client).meta('SI')).toBeNull();
  });
});
