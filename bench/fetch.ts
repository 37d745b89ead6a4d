/**
 * `npm run bench:fetch`: the executor against the replay server (synthetic bars, 100 ms of
 * latency) and a redis-server of its own.
 *
 * 1. One run of 500 symbols at PROVIDER_MAX_RPS=50: its wall time against the bound that rate
 *    sets (500 / 50 = 10 s) and against fetching one symbol after the other. The sequential
 *    figure is an estimate: 500 x the mean latency of a sequential fetch of a 20-symbol sample
 *    (actually run, through the same provider, one request at a time).
 * 2. 100 runs over the same 5 symbols fired together, spread over 4 executors with their own
 *    Redis connections (as 4 processes would be): how many provider requests they make.
 *
 * Prints a table and writes bench/results/fetch.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { Redis } from 'ioredis';
import { startReplayServer } from '../src/replay/replay-server';
import { createProvider } from '../src/server/market-data/yahoo';
import { JobExecutor, type ExecutorConfig } from '../src/server/scheduler/job-executor';
import { startTestRedis } from '../test/support/redis-server';

const SYMBOLS = Number(process.env.BENCH_SYMBOLS ?? 500);
const LATENCY_MS = 100;
const MAX_RPS = 50;
// Little's law: 50 requests/s x 0.1 s each = 5 in flight; twice that absorbs latency jitter
// and the requests waiting for their slot. More would only book rate slots further ahead.
const CONCURRENCY = Math.ceil(MAX_RPS * (LATENCY_MS / 1000) * 2);
const SAMPLE = 20;
const SHARED_RUNS = 100;
const PROCESSES = 4;
const GOAL_RATIO = 1.15;

const config: ExecutorConfig = {
  PROVIDER_MAX_RPS: MAX_RPS,
  PROVIDER_CONCURRENCY: CONCURRENCY,
  PROVIDER_MAX_ATTEMPTS: 4,
  PROVIDER_BACKOFF_MS: 200,
};

const redis = await startTestRedis({ appendonly: false });
const replay = await startReplayServer({ synthetic: true, latencyMs: LATENCY_MS });
const conns = Array.from({ length: PROCESSES }, () => new Redis(redis.url));
try {
  const provider = createProvider({ YAHOO_BASE_URL: replay.url, PROVIDER_TIMEOUT_MS: 10_000 });
  const range = { start: '2026-03-02', end: '2026-03-31' };

  // Warm-up (connections, compiled code), not measured.
  await provider.dailyHistory('WARM', range.start, range.end);

  // Sequential sample: one request at a time, no limiter needed (10/s is under 50/s).
  const latencies: number[] = [];
  for (let i = 0; i < SAMPLE; i++) {
    const t = performance.now();
    await provider.dailyHistory(`SEQ${i}`, range.start, range.end);
    latencies.push(performance.now() - t);
  }
  const meanLatencyMs = latencies.reduce((a, b) => a + b, 0) / latencies.length;
  const sequentialSeconds = (SYMBOLS * meanLatencyMs) / 1000;

  // 1. One run of 500 symbols.
  await conns[0]!.flushall();
  replay.reset();
  const executor = new JobExecutor({ redis: conns[0]!, provider, config });
  const symbols = Array.from({ length: SYMBOLS }, (_, i) => `S${String(i).padStart(3, '0')}`);
  let t = performance.now();
  const big = await executor.execute({ run_id: 'bench-500', job_id: 'bench', symbols, ...range });
  const wallSeconds = (performance.now() - t) / 1000;
  const lost = big.symbols.filter((s) => s.status !== 'ok');
  const stored = await conns[0]!.eval("return #redis.call('KEYS', 'scheduled_stock_data:S*')", 0);
  const boundSeconds = SYMBOLS / MAX_RPS;
  const run500 = {
    symbols: SYMBOLS,
    status: big.status,
    wall_s: +wallSeconds.toFixed(2),
    bound_s: boundSeconds,
    ratio_to_bound: +(wallSeconds / boundSeconds).toFixed(3),
    goal_ratio: GOAL_RATIO,
    met: wallSeconds / boundSeconds <= GOAL_RATIO,
    sequential_estimate_s: +sequentialSeconds.toFixed(1),
    sequential_method: `${SYMBOLS} x mean latency of a sequential fetch of ${SAMPLE} symbols (${meanLatencyMs.toFixed(1)} ms)`,
    speedup_vs_sequential: +(sequentialSeconds / wallSeconds).toFixed(1),
    symbols_lost: lost.length,
    records_stored: Number(stored),
    provider_requests: replay.stats.total,
    max_requests_in_any_second: replay.stats.maxPerSecond,
    max_in_flight: replay.stats.maxInFlight,
    concurrency: CONCURRENCY,
    max_rps: MAX_RPS,
  };

  // 2. 100 runs sharing 5 symbols, fired together from 4 "processes".
  replay.reset();
  const executors = conns.map((conn) => new JobExecutor({ redis: conn, provider, config }));
  const faang = ['META', 'AAPL', 'AMZN', 'NFLX', 'GOOGL'];
  t = performance.now();
  const results = await Promise.all(
    Array.from({ length: SHARED_RUNS }, (_, i) =>
      executors[i % PROCESSES]!.execute({
        run_id: `shared-${i}`,
        job_id: `job-${i}`,
        symbols: faang,
        ...range,
      }),
    ),
  );
  const sharedSeconds = (performance.now() - t) / 1000;
  const shared = {
    runs: SHARED_RUNS,
    processes_simulated: PROCESSES,
    symbols_per_run: faang.length,
    provider_requests: replay.stats.total,
    goal: faang.length,
    met: replay.stats.total === faang.length,
    completed_runs: results.filter((r) => r.status === 'completed').length,
    shared_in_process: executors.reduce((n, e) => n + e.stats.sharedInProcess, 0),
    shared_across_processes: executors.reduce((n, e) => n + e.stats.sharedAcrossProcesses, 0),
    wall_s: +sharedSeconds.toFixed(2),
  };

  const result = {
    when: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      node: process.version,
      loadavg: os.loadavg().map((l) => +l.toFixed(2)),
    },
    replay_latency_ms: LATENCY_MS,
    run_500: run500,
    shared_runs: shared,
  };

  console.log(
    `\nFetch benchmark (replay latency ${LATENCY_MS} ms, PROVIDER_MAX_RPS=${MAX_RPS}, PROVIDER_CONCURRENCY=${CONCURRENCY})\n`,
  );
  console.table({
    [`${SYMBOLS} symbols, one run`]: {
      'wall (s)': run500.wall_s,
      'bound (s)': run500.bound_s,
      'x bound': run500.ratio_to_bound,
      'sequential est. (s)': run500.sequential_estimate_s,
      'symbols lost': run500.symbols_lost,
      'max req in any 1 s': run500.max_requests_in_any_second,
      [`goal <= ${GOAL_RATIO}x`]: run500.met ? 'met' : 'MISSED',
    },
  });
  console.table({
    [`${SHARED_RUNS} runs x 5 shared symbols`]: {
      'wall (s)': shared.wall_s,
      'provider requests': shared.provider_requests,
      'runs completed': shared.completed_runs,
      [`goal ${shared.goal} requests`]: shared.met ? 'met' : 'MISSED',
    },
  });
  console.log(`sequential estimate: ${run500.sequential_method}`);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/fetch.json', `${JSON.stringify(result, null, 2)}\n`);
  console.log('wrote bench/results/fetch.json');
  if (!run500.met || !shared.met || run500.symbols_lost > 0) process.exitCode = 1;
} finally {
  for (const c of conns) c.disconnect();
  await replay.close();
  await redis.stop();
}
