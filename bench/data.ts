/**
 * `npm run bench:data`: the series store against a redis-server of its own and the real server.
 *
 * 1. 500 symbols x 10 years (2015-2024, weekdays) merged a year at a time through the real
 *    merge script: Redis bytes per bar (MEMORY USAGE of every series key / bars).
 * 2. One symbol's 10 years through REST (GET /scheduler/data/{symbol}/bars), p50/p99, against
 *    the old way: the per-run records of 10 years of daily 30-day runs of that symbol, read
 *    (index + MGET) and merged by date, in this process.
 * 3. export.csv of 500 symbols x 1 year: rows per second and the server's peak memory (VmHWM).
 * 4. A simulated year of daily runs (50 symbols, 252 runs of 30-day windows): Redis memory of
 *    the series plus DATA_RECORDS_KEEP=20 records per symbol against keeping every record.
 * 5. 100 jobs over 5 symbols firing a minute apart after the close, through the JobExecutor
 *    (the real Yahoo client, the replay server): provider requests, with the series standing
 *    in for a fetch when it is fresh (series-cache.ts, symbol outcome `cached`).
 *
 * Prints the figures and writes bench/results/data.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { Redis } from 'ioredis';
import { startReplayServer } from '../src/replay/replay-server';
import { keys } from '../src/server/keys';
import type { DailyBar, DailyHistory } from '../src/server/market-data/provider';
import { SeriesStore } from '../src/server/market-data/series-store';
import { StockDataStore, toRecord } from '../src/server/market-data/stock-data-store';
import { createProvider } from '../src/server/market-data/yahoo';
import { JobExecutor } from '../src/server/scheduler/job-executor';
import { startApp } from '../test/support/app-server';
import { startTestRedis } from '../test/support/redis-server';

const SYMBOLS = Number(process.env.BENCH_SYMBOLS ?? 500);
const SAMPLES = 100;
const DAY_MS = 86_400_000;

function weekdays(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY_MS) {
    const d = new Date(t).getUTCDay();
    if (d !== 0 && d !== 6) out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/** Plausible prices with 2 decimals and whole volumes, like a real series. */
function bars(symbol: string, dates: string[]): DailyBar[] {
  let seed = [...symbol].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
  const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  let close = 20 + rnd() * 400;
  return dates.map((date) => {
    const open = close * (1 + (rnd() - 0.5) * 0.02);
    close = close * (1 + (rnd() - 0.5) * 0.04);
    const r2 = (v: number) => Math.round(v * 100) / 100;
    return {
      date,
      open: r2(open),
      high: r2(Math.max(open, close) * 1.01),
      low: r2(Math.min(open, close) * 0.99),
      close: r2(close),
      adj_close: Number((close * 0.97).toPrecision(7)),
      volume: Math.round(1e6 + rnd() * 5e7),
    };
  });
}

const history = (symbol: string, list: DailyBar[]): DailyHistory => ({
  symbol,
  currency: 'USD',
  exchange_timezone: 'America/New_York',
  bars: list,
  dividends: [],
  splits: [],
});

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const round1 = (n: number) => Math.round(n * 10) / 10;

async function memoryOf(redis: Redis, pattern: string): Promise<number> {
  let total = 0;
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    const pipeline = redis.pipeline();
    for (const k of found) pipeline.memory('USAGE', k, 'SAMPLES', 0);
    for (const [, n] of (await pipeline.exec()) ?? []) total += Number(n);
  } while (cursor !== '0');
  return total;
}

const peakKb = (pid: number) =>
  Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

const server = await startTestRedis({ appendonly: false });
const redis = new Redis(server.url);
const series = new SeriesStore(redis);
const result: Record<string, unknown> = {
  machine: `${os.cpus().length} vCPU (${os.cpus()[0]?.model}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  load_before: os.loadavg().map(round1),
};
try {
  // 1. 500 x 10 years through the merge script, a year per merge.
  const years = Array.from({ length: 10 }, (_, i) => 2015 + i);
  const t1 = performance.now();
  let stored = 0;
  for (let s = 0; s < SYMBOLS; s++) {
    const symbol = `S${String(s).padStart(3, '0')}`;
    const all = bars(symbol, weekdays('2015-01-01', '2024-12-31'));
    for (const y of years) {
      const list = all.filter((b) => b.date.startsWith(String(y)));
      await series.merge(history(symbol, list), '2025-01-02T00:00:00.000Z', `${y}-01-01`);
      stored += list.length;
    }
  }
  const mergeSeconds = (performance.now() - t1) / 1000;
  const seriesBytes =
    (await memoryOf(redis, 'scheduler:series:*')) +
    (await memoryOf(redis, 'scheduler:series_meta:*')) +
    (await memoryOf(redis, 'scheduler:series_events:*'));
  result.store = {
    symbols: SYMBOLS,
    bars: stored,
    merge_seconds: round1(mergeSeconds),
    bytes_per_bar: round1(seriesBytes / stored),
    json_bytes_per_bar: round1(
      Buffer.byteLength(JSON.stringify(bars('X', weekdays('2024-01-01', '2024-12-31')))) / 262,
    ),
  };
  console.log('store', result.store);

  // 2. The old way: 10 years of daily 30-day runs of one symbol, every record kept.
  const oldSymbol = 'OLD';
  const oldBars = bars(oldSymbol, weekdays('2015-01-01', '2024-12-31'));
  const records = new StockDataStore(redis, 100_000);
  const days = weekdays('2015-02-01', '2024-12-31');
  for (const [i, end] of days.entries()) {
    const start = new Date(Date.parse(`${end}T00:00:00Z`) - 30 * DAY_MS).toISOString().slice(0, 10);
    const window = oldBars.filter((b) => b.date >= start && b.date <= end);
    await records.save(
      toRecord(history(oldSymbol, window), {
        start,
        end,
        source: 'yahoo',
        job_id: 'bench',
        run_id: `run-${i}`,
        fetched_at: new Date(Date.parse(`${end}T22:00:00Z`)).toISOString(),
      }),
    );
  }
  const oldTimes: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const t = performance.now();
    const recordKeys = await redis.zrange(keys.stockDataIndex(oldSymbol), 0, -1);
    const merged = new Map<string, DailyBar>();
    for (let k = 0; k < recordKeys.length; k += 500) {
      for (const raw of await redis.mget(...recordKeys.slice(k, k + 500))) {
        if (raw)
          for (const b of (JSON.parse(raw) as { bars: DailyBar[] }).bars) merged.set(b.date, b);
      }
    }
    const out = [...merged.values()].sort((a, b) => a.date.localeCompare(b.date));
    if (out.length < oldBars.length - 30) throw new Error(`old way merged ${out.length} bars`);
    oldTimes.push(performance.now() - t);
  }

  const app = await startApp({
    env: { REDIS_URL: server.url, SCHEDULER_ENABLED: 'false', LOG_LEVEL: 'warn' },
  });
  try {
    const url = `${app.url}/scheduler/data/S001/bars?start=2015-01-01&end=2024-12-31`;
    for (let i = 0; i < 10; i++) await (await fetch(url)).arrayBuffer();
    const restTimes: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const t = performance.now();
      const body = (await (await fetch(url)).json()) as { bars: unknown[] };
      if (body.bars.length !== oldBars.length) throw new Error(`REST answered ${body.bars.length}`);
      restTimes.push(performance.now() - t);
    }
    restTimes.sort((a, b) => a - b);
    oldTimes.sort((a, b) => a - b);
    result.read = {
      bars: oldBars.length,
      rest_p50_ms: round1(pct(restTimes, 50)),
      rest_p99_ms: round1(pct(restTimes, 99)),
      old_way_records: days.length,
      old_way_p50_ms: round1(pct(oldTimes, 50)),
      old_way_p99_ms: round1(pct(oldTimes, 99)),
    };
    console.log('read', result.read);

    // 3. export.csv of every symbol x 2024.
    const symbols = Array.from({ length: SYMBOLS }, (_, s) => `S${String(s).padStart(3, '0')}`);
    const peakBefore = peakKb(app.child.pid!);
    const t3 = performance.now();
    const res = await fetch(
      `${app.url}/scheduler/export.csv?symbols=${symbols.join(',')}&start=2024-01-01&end=2024-12-31`,
    );
    let rows = -1;
    const decoder = new TextDecoder();
    const reader = res.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (const c of decoder.decode(value, { stream: true })) if (c === '\n') rows++;
    }
    const exportSeconds = (performance.now() - t3) / 1000;
    result.export = {
      rows,
      seconds: round1(exportSeconds),
      rows_per_second: Math.round(rows / exportSeconds),
      server_peak_rss_mb_before: round1(peakBefore / 1024),
      server_peak_rss_mb_after: round1(peakKb(app.child.pid!) / 1024),
    };
    console.log('export', result.export);
  } finally {
    await app.stop();
  }

  // 4. A year of daily runs of 50 symbols: now (series + 20 records) against every record kept.
  const yearDays = weekdays('2024-01-01', '2024-12-31').slice(0, 252);
  const yearOf = async (keep: number) => {
    await redis.flushall();
    const store = new StockDataStore(redis, keep);
    for (let s = 0; s < 50; s++) {
      const symbol = `Y${s}`;
      const all = bars(symbol, weekdays('2023-11-01', '2024-12-31'));
      for (const [i, end] of yearDays.entries()) {
        const start = new Date(Date.parse(`${end}T00:00:00Z`) - 30 * DAY_MS)
          .toISOString()
          .slice(0, 10);
        const h = history(
          symbol,
          all.filter((b) => b.date >= start && b.date <= end),
        );
        const fetchedAt = `${end}T22:00:00.000Z`;
        const meta = {
          start,
          end,
          source: 'yahoo',
          job_id: 'bench',
          run_id: `r${i}`,
          fetched_at: fetchedAt,
        };
        await store.save(toRecord(h, meta));
        if (keep !== 100_000) await series.merge(h, fetchedAt, start);
      }
    }
    return Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]);
  };
  const empty = await (async () => {
    await redis.flushall();
    return Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]);
  })();
  const now = (await yearOf(20)) - empty;
  const before = (await yearOf(100_000)) - empty;
  result.year_of_runs = {
    symbols: 50,
    runs: yearDays.length,
    now_mb: round1(now / 2 ** 20),
    every_record_mb: round1(before / 2 ** 20),
    smaller_by: round1(before / now),
  };
  console.log('year of runs', result.year_of_runs);

  // 5. 100 jobs over 5 symbols after the close, one after another, through the executor.
  await redis.flushall();
  // Today, after the XNYS close has settled: one clock for the executor and the replay server.
  let clock = Date.parse(`${new Date().toISOString().slice(0, 10)}T22:00:00Z`);
  const replay = await startReplayServer({ synthetic: true, now: () => clock });
  try {
    const executor = new JobExecutor({
      redis,
      provider: createProvider({ YAHOO_BASE_URL: replay.url, PROVIDER_TIMEOUT_MS: 10_000 }),
      config: {
        PROVIDER_MAX_RPS: 50,
        PROVIDER_CONCURRENCY: 4,
        PROVIDER_MAX_ATTEMPTS: 3,
        PROVIDER_BACKOFF_MS: 100,
        DATA_SETTLE_MINUTES: 30,
      },
      now: () => clock,
    });
    const end = new Date(clock).toISOString().slice(0, 10);
    const start = new Date(clock - 30 * DAY_MS).toISOString().slice(0, 10);
    const five = ['AAA', 'BBB', 'CCC', 'DDD', 'EEE'];
    const outcomes: Record<string, number> = {};
    for (let job = 0; job < 100; job++) {
      clock += 60_000; // the jobs fire a minute apart
      const run = await executor.execute({
        run_id: `bench-${job}`,
        job_id: `job-${job}`,
        symbols: five,
        start,
        end,
      });
      for (const s of run.symbols) outcomes[s.status] = (outcomes[s.status] ?? 0) + 1;
    }
    result.shared_symbols = {
      jobs: 100,
      symbols: 5,
      provider_requests: replay.stats.total,
      outcomes,
    };
    console.log('shared symbols', result.shared_symbols);
  } finally {
    await replay.close();
  }
  result.load_after = os.loadavg().map(round1);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/data.json', JSON.stringify(result, null, 2));
  console.log(JSON.stringify(result, null, 2));
} finally {
  await redis.quit();
  await server.stop();
}
