/**
 * `npm run bench:indicators`: all six indicators of CONTRACT.md section 11 over 10 years of
 * daily bars (2,520) for 500 symbols, synthetic random walks in memory: total and per symbol.
 * Then one REST read of the six over a stored 10-year series (real Redis, the API handler over
 * HTTP), p50/p99, beside GET .../bars of the same range in the same run. Last, the same
 * 500 symbols stored as 10-year series and analysed by one analysis run (the run worker's
 * path: each series read from Redis, the six computed, the latest values and signals stored
 * in one script), total and per symbol.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { computeIndicator, indicatorNamesParam } from '../src/domain/indicators';
import type { DailyBar } from '../src/server/market-data/provider';
import { AnalysisExecutor } from '../src/server/analysis/analysis-executor';
import type { SeriesStore } from '../src/server/market-data/series-store';
import { serveApi } from '../test/support/app-handler-server';
import { startTestRedis } from '../test/support/redis-server';
import { testServices } from '../test/support/services';

const SYMBOLS = Number(process.env.BENCH_SYMBOLS ?? 500);
const BARS = 2520;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 100);
const NAMES = 'sma:20,ema:12,rsi:14,volatility:20,return:1,drawdown';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const ms = (v: number) => +v.toFixed(3);

/** A seeded geometric random walk (mulberry32), 7 significant digits like stored prices. */
function walk(seed: number, length: number): number[] {
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out: number[] = [];
  let p = 50 + 100 * rand();
  for (let i = 0; i < length; i++) {
    p *= Math.exp((rand() - 0.5) * 0.04);
    out.push(Number(p.toPrecision(7)));
  }
  return out;
}

const specs = indicatorNamesParam.parse(NAMES);
const series = Array.from({ length: SYMBOLS }, (_, i) => walk(i + 1, BARS));
// One warm-up pass so the JIT has compiled the loops before the timed one.
for (const p of series.slice(0, 20)) for (const s of specs) computeIndicator(s, p);
const perSymbol: number[] = [];
let checksum = 0;
const t0 = performance.now();
for (const p of series) {
  const t = performance.now();
  for (const s of specs) checksum += computeIndicator(s, p).at(-1) ?? 0;
  perSymbol.push(performance.now() - t);
}
const total = performance.now() - t0;
perSymbol.sort((a, b) => a - b);
const compute = {
  symbols: SYMBOLS,
  bars_per_symbol: BARS,
  indicators: NAMES,
  total_ms: ms(total),
  per_symbol_mean_ms: ms(total / SYMBOLS),
  per_symbol_p50_ms: ms(percentile(perSymbol, 50)),
  per_symbol_p99_ms: ms(percentile(perSymbol, 99)),
  checksum: +checksum.toFixed(6),
};

async function timed(rounds: number, url: string) {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    const res = await fetch(url);
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${url}: ${res.status}`);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { p50_ms: ms(percentile(times, 50)), p99_ms: ms(percentile(times, 99)) };
}

/** Weekday bars from 2015-01-01, one per price. */
function barsOf(prices: number[]): DailyBar[] {
  const bars: DailyBar[] = [];
  for (let d = 0; bars.length < prices.length; d++) {
    const date = new Date(Date.UTC(2015, 0, 1 + d));
    if (date.getUTCDay() === 0 || date.getUTCDay() === 6) continue;
    const close = prices[bars.length]!;
    const day = date.toISOString().slice(0, 10);
    bars.push({
      date: day,
      open: close,
      high: close,
      low: close,
      close,
      adj_close: close,
      volume: 1,
    });
  }
  return bars;
}

function store(seriesStore: SeriesStore, symbol: string, bars: DailyBar[]) {
  return seriesStore.merge(
    {
      symbol,
      currency: 'USD',
      exchange_timezone: 'America/New_York',
      bars,
      dividends: [],
      splits: [],
    },
    new Date().toISOString(),
    bars[0]!.date,
  );
}

const redis = await startTestRedis({ appendonly: false });
const services = testServices(redis.url);
const server = await serveApi(services);
let rest;
let analysisRun;
try {
  const bars = barsOf(walk(7, BARS));
  await store(services.series, 'BENCH', bars);
  const base = `${server.base}/scheduler/data/BENCH`;
  await timed(10, `${base}/indicators?names=${NAMES}`);
  rest = {
    bars: BARS,
    rounds: ROUNDS,
    indicators_10y: await timed(ROUNDS, `${base}/indicators?names=${NAMES}`),
    indicators_last_year: await timed(
      ROUNDS,
      `${base}/indicators?names=${NAMES}&start=${bars.at(-252)!.date}`,
    ),
    bars_10y: await timed(ROUNDS, `${base}/bars`),
  };

  const symbols = series.map((_, i) => `B${i}`);
  for (let i = 0; i < SYMBOLS; i++) await store(services.series, symbols[i]!, barsOf(series[i]!));
  const analysis = {
    indicators: NAMES.split(','),
    price: 'close' as const,
    signals: [{ indicator: 'rsi:14', op: '>' as const, value: 70 }],
  };
  const job = await services.registry.create({
    name: 'Bench analysis',
    stock_ids: symbols,
    schedule_time: '17:00',
    task: 'analyze',
    analysis,
  });
  const executor = new AnalysisExecutor({ redis: services.redis, series: services.series });
  const runs: number[] = [];
  let outcome;
  for (let r = 0; r < 3; r++) {
    const t = performance.now();
    outcome = await executor.execute({
      run_id: `bench-${r}`,
      job_id: job.job_id,
      symbols,
      analysis,
    });
    runs.push(performance.now() - t);
  }
  runs.sort((a, b) => a - b);
  const best = runs[0]!;
  analysisRun = {
    symbols: SYMBOLS,
    bars_per_symbol: BARS,
    indicators: NAMES,
    signals: 1,
    status: outcome?.status,
    runs: runs.length,
    best_total_ms: ms(best),
    median_total_ms: ms(percentile(runs, 50)),
    per_symbol_ms: ms(best / SYMBOLS),
    stored_json_bytes: await services.redis.strlen(`scheduler:analysis:${job.job_id}`),
  };
} finally {
  server.close();
  await services.close();
  await redis.stop();
}

const machine = {
  cpus: `${os.cpus().length} x ${os.cpus()[0]?.model}`,
  load1: +os.loadavg()[0]!.toFixed(2),
  node: process.version,
};
const result = { machine, compute, rest, analysis_run: analysisRun };
console.log(JSON.stringify(result, null, 2));
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/indicators.json', `${JSON.stringify(result, null, 2)}\n`);
