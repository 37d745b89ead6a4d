/**
 * Runs feed the per-symbol series (CONTRACT section 8): each fetch a run stores is merged into
 * the symbol's one series, so the series holds what the per-run records hold, once. Real Yahoo
 * client over HTTP to the replay server, real redis-server.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startReplayServer, type ReplayServer } from '../src/replay/replay-server';
import { SeriesStore } from '../src/server/market-data/series-store';
import type { StockDataRecord } from '../src/server/market-data/stock-data-store';
import { createProvider } from '../src/server/market-data/yahoo';
import { JobExecutor } from '../src/server/scheduler/job-executor';
import { startTestRedis, type TestRedis } from './support/redis-server';

let redis: TestRedis;
let client: Redis;
let replay: ReplayServer;

const executor = () =>
  new JobExecutor({
    redis: client,
    provider: createProvider({ YAHOO_BASE_URL: replay.url, PROVIDER_TIMEOUT_MS: 2000 }),
    config: {
      PROVIDER_MAX_RPS: 100,
      PROVIDER_CONCURRENCY: 8,
      PROVIDER_MAX_ATTEMPTS: 2,
      PROVIDER_BACKOFF_MS: 10,
    },
  });

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

describe('a run feeds the series', () => {
  it('MSFT over a year: the series holds the run record bar for bar, and its dividends', async () => {
    const result = await executor().execute({
      run_id: 'r1',
      job_id: 'j1',
      symbols: ['MSFT'],
      start: '2021-02-01',
      end: '2022-01-31',
    });
    expect(result.status).toBe('completed');
    const record = JSON.parse((await client.get(result.symbols[0]!.key!))!) as StockDataRecord;
    const series = new SeriesStore(client);
    const bars = await series.bars('MSFT', '2021-02-01', '2022-01-31');
    expect(bars.map((b) => [b.date, b.close, b.adj_close, b.volume])).toEqual(
      record.bars.map((b) => [b.date, b.close, b.adj_close, b.volume]),
    );
    expect((await series.meta('MSFT'))?.first_date).toBe(record.bars[0]!.date);
    expect((await series.events('MSFT')).dividends).toHaveLength(4);
  });

  it('a symbol that fails stores nothing in the series', async () => {
    const result = await executor().execute({
      run_id: 'r2',
      job_id: 'j1',
      symbols: ['SI'],
      start: '2020-01-01',
      end: '2020-01-03',
    });
    expect(result.status).toBe('failed');
    expect(await new SeriesStore(client).meta('SI')).toBeNull();
  });
});
