/**
 * The series over HTTP against the real server process (CONTRACT.md section 8): bars with both
 * adjustments, the CSV byte for byte, an export of 100 symbols streamed, the symbols listing,
 * the quality report of a crafted history, and every bad parameter refused.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReplayServer, type ReplayServer } from '../src/replay/replay-server';
import type { DailyBar } from '../src/server/market-data/provider';
import { SeriesStore } from '../src/server/market-data/series-store';
import { StockDataStore, toRecord } from '../src/server/market-data/stock-data-store';
import { YahooProvider } from '../src/server/market-data/yahoo';
import { startApp, type AppProcess } from './support/app-server';
import { startTestRedis, type TestRedis } from './support/redis-server';

const exec = promisify(execFile);
let server: TestRedis;
let redis: Redis;
let replay: ReplayServer;
let app: AppProcess;
let series: SeriesStore;

const FETCHED = '2022-02-01T00:00:00.000Z';

async function get(path: string) {
  const res = await fetch(`${app.url}${path}`);
  const text = await res.text();
  const json = res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null;
  return { status: res.status, headers: res.headers, text, body: json };
}

const bar = (date: string, close: number, over: Partial<DailyBar> = {}): DailyBar => ({
  date,
  open: close,
  high: close + 1,
  low: close - 1,
  close,
  adj_close: close,
  volume: 1000,
  ...over,
});

const history = (symbol: string, bars: DailyBar[]) => ({
  symbol,
  currency: 'USD',
  exchange_timezone: 'America/New_York',
  bars,
  dividends: [],
  splits: [],
});

/** A weekday series of `days` bars from 2023-01-02 for an export. */
function weekdays(days: number, seed: number): DailyBar[] {
  const out: DailyBar[] = [];
  for (let d = 0; out.length < days; d++) {
    const date = new Date(Date.UTC(2023, 0, 2 + d));
    if (date.getUTCDay() === 0 || date.getUTCDay() === 6) continue;
    out.push(bar(date.toISOString().slice(0, 10), seed + out.length));
  }
  return out;
}

beforeAll(async () => {
  server = await startTestRedis();
  redis = new Redis(server.url);
  replay = await startReplayServer();
  series = new SeriesStore(redis);
  const yahoo = new YahooProvider({ baseUrl: replay.url, timeoutMs: 5000 });
  const aapl = await yahoo.dailyHistory('AAPL', '2020-08-31', '2020-11-06');
  await series.merge(aapl, FETCHED, '2020-08-31');
  await new StockDataStore(redis).save(
    toRecord(aapl, {
      start: '2020-08-31',
      end: '2020-11-06',
      source: 'yahoo',
      job_id: null,
      run_id: null,
      fetched_at: FETCHED,
    }),
  );
  // Each kind of suspicious bar once, a two-session gap (10 and 11 January), and the holiday
  // of 15 January (Martin Luther King Jr. Day), which is no gap.
  await series.merge(
    history('QUAL', [
      bar('2024-01-02', 10),
      bar('2024-01-03', 10, { open: 0 }),
      bar('2024-01-04', 10, { high: 9, low: 11 }),
      bar('2024-01-05', 12, { high: 11, low: 9 }),
      bar('2024-01-08', 1000, { high: 1001, low: 999 }),
      bar('2024-01-09', 1000, { high: 1001, low: 999, volume: -5 }),
      bar('2024-01-12', 1000, { high: 1001, low: 999 }),
      bar('2024-01-16', 1000, { high: 1001, low: 999 }),
    ]),
    FETCHED,
    '2024-01-02',
  );
  for (let i = 0; i < 100; i++) {
    await series.merge(history(`EX${i}`, weekdays(30, i)), FETCHED, '2023-01-02');
  }
  app = await startApp({ env: { REDIS_URL: server.url, SCHEDULER_ENABLED: 'false' } });
});

afterAll(async () => {
  await app?.stop();
  await redis?.quit();
  await replay?.close();
  await server?.stop();
});

describe('bars', () => {
  it('answers a range with the events, prices as the provider gives them', async () => {
    const { status, body } = await get('/scheduler/data/AAPL/bars?start=2020-10-01&end=2020-10-05');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      symbol: 'AAPL',
      currency: 'USD',
      exchange_timezone: 'America/New_York',
      calendar: 'XNYS',
      adjust: 'split',
      fetched_at: FETCHED,
      splits: [],
      dividends: [],
    });
    expect(body.bars[0]).toEqual({
      date: '2020-10-01',
      open: 117.64,
      high: 117.72,
      low: 115.83,
      close: 116.79,
      adj_close: 113.8818,
      volume: 116120400,
    });
    const whole = await get('/scheduler/data/aapl/bars');
    expect(whole.body.bars).toHaveLength(49);
    expect(whole.body.splits).toEqual([{ date: '2020-08-31', numerator: 4, denominator: 1 }]);
    expect(whole.body.dividends).toEqual([{ date: '2020-11-06', amount: 0.205 }]);
  });

  it('adjust=all scales open, high, low and close by adj_close/close of the day', async () => {
    const { body } = await get(
      '/scheduler/data/AAPL/bars?start=2020-10-01&end=2020-10-01&adjust=all',
    );
    expect(body.bars).toEqual([
      {
        date: '2020-10-01',
        open: 114.7106,
        high: 114.7886,
        low: 112.9457,
        close: 113.8818,
        adj_close: 113.8818,
        volume: 116120400,
      },
    ]);
  });

  it('keeps GET /scheduler/data/{symbol} the per-run record as it was', async () => {
    const { status, body } = await get('/scheduler/data/AAPL');
    expect(status).toBe(200);
    expect(body).toMatchObject({ symbol: 'AAPL', start: '2020-08-31', end: '2020-11-06' });
    expect(body.bars).toHaveLength(49);
  });
});

describe('CSV', () => {
  it('bars.csv of a known range, byte for byte', async () => {
    const res = await get('/scheduler/data/AAPL/bars.csv?start=2020-10-01&end=2020-10-05');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="AAPL.csv"');
    expect(res.text).toBe(
      'date,open,high,low,close,adj_close,volume\n' +
        '2020-10-01,117.64,117.72,115.83,116.79,113.8818,116120400\n' +
        '2020-10-02,112.89,115.37,112.22,113.02,110.2057,144712000\n' +
        '2020-10-05,113.91,116.65,113.55,116.5,113.599,106243800\n',
    );
  });

  it('export.csv of 100 symbols streams every row, symbol by symbol', async () => {
    const symbols = Array.from({ length: 100 }, (_, i) => `EX${i}`);
    const res = await fetch(`${app.url}/scheduler/export.csv?symbols=${symbols.join(',')}`);
    expect(res.status).toBe(200);
    // Streamed: no length known up front.
    expect(res.headers.get('content-length')).toBeNull();
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    const lines = (await res.text()).trimEnd().split('\n');
    expect(lines[0]).toBe('symbol,date,open,high,low,close,adj_close,volume');
    expect(lines).toHaveLength(1 + 100 * 30);
    expect(lines[1]).toBe('EX0,2023-01-02,0,1,-1,0,0,1000');
    expect(lines.at(-1)).toBe('EX99,2023-02-10,128,129,127,128,128,1000');
    expect(new Set(lines.slice(1).map((l) => l.split(',')[0])).size).toBe(100);
  });
});

describe('symbols and quality', () => {
  it('lists every symbol with coverage, freshness and missing sessions', async () => {
    const { status, body } = await get('/scheduler/data?q=qua');
    expect(status).toBe(200);
    expect(body.symbols).toEqual([
      {
        symbol: 'QUAL',
        calendar: 'XNYS',
        currency: 'USD',
        first_date: '2024-01-02',
        last_date: '2024-01-16',
        bars: 8,
        fetched_at: FETCHED,
        fresh: false,
        last_session: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
        missing_sessions: 2,
        jobs: [],
      },
    ]);
    const all = await get('/scheduler/data?stale=true');
    expect(all.body.symbols).toHaveLength(102);
    expect((await get('/scheduler/data?stale=false')).body.symbols).toEqual([]);
    const page = await get('/scheduler/data?limit=2&offset=1');
    expect(page.body.total).toBe(102);
    expect(page.body.symbols.map((s: { symbol: string }) => s.symbol)).toEqual(
      all.body.symbols.slice(1, 3).map((s: { symbol: string }) => s.symbol),
    );
  });

  it('finds each kind of suspicious bar and the gap, and alters nothing', async () => {
    const before = await series.bars('QUAL', '2024-01-01', '2024-12-31');
    const { status, body } = await get('/scheduler/data/QUAL/quality');
    expect(status).toBe(200);
    expect(body.gaps).toEqual([{ from: '2024-01-10', to: '2024-01-11', sessions: 2 }]);
    expect(body.issues.map((i: { date: string; kind: string }) => [i.date, i.kind])).toEqual([
      ['2024-01-03', 'zero_or_negative'],
      ['2024-01-04', 'high_below_low'],
      ['2024-01-05', 'close_outside_range'],
      ['2024-01-08', 'jump_100x'],
      ['2024-01-09', 'volume_negative'],
    ]);
    expect(body.issues[3].detail).toBe(
      'close 1000 is 83.3 times the previous close 12 (2024-01-05)',
    );
    expect(await series.bars('QUAL', '2024-01-01', '2024-12-31')).toEqual(before);
  });
});

describe('OpenAPI', () => {
  it('documents the series procedures', async () => {
    const { body } = await get('/api/openapi.json');
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining([
        '/scheduler/data',
        '/scheduler/data/{symbol}/bars',
        '/scheduler/data/{symbol}/quality',
      ]),
    );
  });
});

describe('bad parameters', () => {
  const cases: [string, number, string][] = [
    ['/scheduler/data/NOPE/bars', 404, 'NOT_FOUND'],
    ['/scheduler/data/NOPE/quality', 404, 'NOT_FOUND'],
    ['/scheduler/data/NOPE/bars.csv', 404, 'symbol'],
    ['/scheduler/export.csv?symbols=AAPL,NOPE', 404, 'symbols'],
    ['/scheduler/data/AAPL/bars?start=2020-10-05&end=2020-10-01', 400, 'end'],
    ['/scheduler/data/AAPL/bars.csv?start=2020-10-05&end=2020-10-01', 400, 'end'],
    ['/scheduler/data/AAPL/bars?adjust=dividends', 400, 'adjust'],
    ['/scheduler/export.csv?symbols=AAPL&adjust=x', 400, 'adjust'],
    ['/scheduler/data/AAPL/bars?start=1960-01-01&end=2020-10-01', 400, 'end'],
    ['/scheduler/export.csv?symbols=AAPL&start=1960-01-01&end=2020-10-01', 400, 'end'],
    ['/scheduler/data/AAPL/bars?start=2020-13-01', 400, 'start'],
    ['/scheduler/export.csv', 400, 'symbols'],
    ['/scheduler/export.csv?symbols=A%20B', 400, 'symbols.0'],
    ['/scheduler/data?stale=maybe', 400, 'stale'],
    ['/scheduler/data?limit=0', 400, 'limit'],
    ['/scheduler/data?offset=-1', 400, 'offset'],
  ];

  it.each(cases)('%s is %i naming %s, and nothing changes', async (path, status, field) => {
    const dbsize = await redis.dbsize();
    const meta = await redis.hgetall('scheduler:series_meta:AAPL');
    const res = await get(path);
    expect(res.status).toBe(status);
    if (status === 400) {
      expect(res.body.code).toBe('BAD_REQUEST');
      expect(res.body.issues.map((i: { path: string }) => i.path)).toContain(field);
      expect(res.body.message).toContain(field);
    } else if (field === 'NOT_FOUND') {
      expect(res.body).toMatchObject({
        code: 'NOT_FOUND',
        message: expect.stringContaining('NOPE'),
      });
    } else {
      expect(res.body.issues).toEqual([{ path: field, message: expect.stringContaining('NOPE') }]);
    }
    expect(await redis.dbsize()).toBe(dbsize);
    expect(await redis.hgetall('scheduler:series_meta:AAPL')).toEqual(meta);
    const { stdout } = await exec('redis-cli', [
      '-p',
      String(server.port),
      'EXISTS',
      'scheduler:series_meta:NOPE',
    ]);
    expect(stdout.trim()).toBe('0');
  });
});
