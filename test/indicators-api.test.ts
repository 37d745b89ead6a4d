/**
 * GET /scheduler/data/{symbol}/indicators and data.indicators over a series stored through the
 * real path (replay server → Yahoo provider → series merge in real Redis), checked against the
 * contract's formulas applied by the test to the recording's own prices: values at `start` are
 * warmed up by the history before it, and every bad parameter is a 400 naming its field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReplayServer, type ReplayServer } from '../src/replay/replay-server';
import { SeriesStore } from '../src/server/market-data/series-store';
import { YahooProvider } from '../src/server/market-data/yahoo';
import { createContextInner } from '../src/server/trpc/context';
import { createCaller } from '../src/server/trpc/root';
import { serveApi } from './support/app-handler-server';
import { api } from './support/http';
import { refIndicator, relativeMisses } from './support/indicator-reference';
import { MSFT_RECORDING, recordedPrices } from './support/recordings';
import { startTestRedis, type TestRedis } from './support/redis-server';
import { testServices } from './support/services';

let redis: TestRedis;
let replay: ReplayServer;
let services: ReturnType<typeof testServices>;
let server: { base: string; close(): void };

const nyDate = (unixS: number) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York' }).format(unixS * 1000);
const recorded = recordedPrices(MSFT_RECORDING);
const dates = recorded.timestamps.map(nyDate);
// The provider keeps 7 significant digits of a price (yahoo.ts roundPrice); so does the test.
const stored = (p: number[]) => p.map((v) => Number(v.toPrecision(7)));

type Answer = {
  symbol: string;
  price: string;
  indicators: Record<string, { date: string; value: number | null }[]>;
};

/** The reference over the whole recording, cut to [start, end] like the answer. */
function expected(name: string, price: 'close' | 'adj_close', start = '', end = '~') {
  const values = refIndicator(name, stored(recorded[price]));
  return dates
    .map((date, i) => ({ date, value: values[i]! }))
    .filter((p) => p.date >= start && p.date <= end);
}

function expectMatches(answer: Answer, price: 'close' | 'adj_close', start = '', end = '~') {
  for (const [name, points] of Object.entries(answer.indicators)) {
    const want = expected(name, price, start, end);
    expect(
      points.map((p) => p.date),
      name,
    ).toEqual(want.map((p) => p.date));
    const misses = relativeMisses(
      points.map((p) => p.value),
      want.map((p) => p.value),
    );
    expect(misses, name).toEqual([]);
  }
}

beforeAll(async () => {
  redis = await startTestRedis();
  replay = await startReplayServer();
  services = testServices(redis.url);
  const yahoo = new YahooProvider({ baseUrl: replay.url, timeoutMs: 5000 });
  const msft = await yahoo.dailyHistory('MSFT', '2021-02-01', '2022-01-31');
  await new SeriesStore(services.redis).merge(msft, '2022-02-01T00:00:00.000Z', '2021-02-01');
  server = await serveApi(services);
});

afterAll(async () => {
  server?.close();
  await services?.close();
  await replay?.close();
  await redis?.stop();
});

const ALL = 'sma:20,ema:12,rsi:14,volatility:20,return:1,drawdown';

describe('indicators over the stored series', () => {
  it('a range in mid-year is warmed up by the bars before it', async () => {
    const { status, body } = await api<Answer>(
      server.base,
      'GET',
      `/scheduler/data/MSFT/indicators?names=${ALL}&start=2021-06-01&end=2021-06-30`,
    );
    expect(status).toBe(200);
    expect(body.symbol).toBe('MSFT');
    expect(body.price).toBe('close');
    expect(Object.keys(body.indicators)).toEqual(ALL.split(','));
    expect(body.indicators['sma:20']![0]).toMatchObject({ date: '2021-06-01' });
    expect(body.indicators['sma:20']).toHaveLength(22);
    // Warmed up: no nulls at the start of the range, which a cold start would have.
    for (const points of Object.values(body.indicators)) {
      expect(points.every((p) => p.value !== null)).toBe(true);
    }
    expectMatches(body, 'close', '2021-06-01', '2021-06-30');
  });

  it('the whole series on adj_close, null until enough bars', async () => {
    const { status, body } = await api<Answer>(
      server.base,
      'GET',
      `/scheduler/data/msft/indicators?names=${ALL},sma:200&price=adj_close`,
    );
    expect(status).toBe(200);
    expect(body.price).toBe('adj_close');
    expect(body.indicators['sma:200']!.filter((p) => p.value === null)).toHaveLength(199);
    expect(body.indicators['rsi:14']!.slice(0, 15).map((p) => p.value === null)).toEqual([
      ...new Array(14).fill(true),
      false,
    ]);
    expectMatches(body, 'adj_close');
    // The dividends make adj_close differ from close: the price field is really used.
    expect(body.indicators['sma:20']!.at(-100)!.value).not.toBe(
      expected('sma:20', 'close').at(-100)!.value,
    );
  });

  it('data.indicators over tRPC answers the same', async () => {
    const caller = createCaller(createContextInner({ services }));
    const answer = await caller.data.indicators({
      symbol: 'MSFT',
      names: 'ema:26,rsi:2',
      start: '2022-01-03',
    });
    expect(answer.indicators['ema:26']![0]!.date).toBe('2022-01-03');
    expectMatches(answer, 'close', '2022-01-03');
  });
  it('is in the OpenAPI document', async () => {
    const { body } = await api<{ paths: Record<string, { get?: unknown }> }>(
      server.base,
      'GET',
      '/api/openapi.json',
    );
    expect(body.paths['/scheduler/data/{symbol}/indicators']?.get).toBeDefined();
  });
});

describe('bad parameters', () => {
  it.each([
    ['names=macd:12', /names\.0: "macd:12" must be sma:n/],
    ['names=sma:0', /names\.0: "sma:0": n must be from 1 to 1000 for sma/],
    ['names=volatility:1', /volatility/],
    ['', /names: must list indicator names/],
    ['names=', /names: must name at least 1 indicator/],
    ['names=sma:20&price=open', /price: must be "close"/],
    ['names=sma:20&start=2021-13-01', /start:/],
    ['names=sma:20&start=2021-06-01&end=2021-05-01', /end: must not be before start/],
  ])('%s is a 400 naming the field', async (query, message) => {
    const { status, body } = await api<{ message: string }>(
      server.base,
      'GET',
      `/scheduler/data/MSFT/indicators?${query}`,
    );
    expect(status).toBe(400);
    expect(body.message).toMatch(message);
  });

  it('a symbol with no series is a 404 naming it', async () => {
    const { status, body } = await api<{ message: string }>(
      server.base,
      'GET',
      '/scheduler/data/NOPE/indicators?names=sma:20',
    );
    expect(status).toBe(404);
    expect(body.message).toMatch(/NOPE/);
  });
});
