/**
 * `npm run bench:notify`: a burst of failing runs (BENCH_RUNS, 1,000) over BENCH_CHANNELS (50)
 * webhook channels: deliveries per second, run end to webhook receipt (p50/p99), and a lone
 * 1 s cron job's start delay (as bench:dispatch measures it) without and during the burst.
 * Then a GET /metrics scrape with BENCH_JOBS (10,000) jobs: p50/p99.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import type { RunExecutor } from '../src/server/scheduler/run-worker';
import type { Services } from '../src/server/services';
import { keys } from '../src/server/keys';
import { processMetrics } from '../src/server/metrics/process-metrics';
import { serveApi } from '../test/support/app-handler-server';
import { startTestRedis } from '../test/support/redis-server';
import { testServices } from '../test/support/services';
import { startWebhookReceiver } from '../test/support/webhook-receiver';

const RUNS = Number(process.env.BENCH_RUNS ?? 1_000);
const CHANNELS = Number(process.env.BENCH_CHANNELS ?? 50);
const JOBS = Number(process.env.BENCH_JOBS ?? 10_000);

const stats = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return { n: 0, p50: null, p99: null, max: null };
  const at = (p: number) => +s[Math.min(s.length - 1, Math.floor(p * s.length))]!.toFixed(1);
  return { n: s.length, p50: at(0.5), p99: at(0.99), max: +s.at(-1)!.toFixed(1) };
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (msg: string) => process.stderr.write(`${new Date().toISOString()} ${msg}\n`);

/** Jobs whose runs succeed (the lone job, so its own alerts do not join the burst's). */
const succeeding = new Set<string>();

/** Every run fails at once, as a provider refusing every symbol would make it. */
const failing: RunExecutor = {
  async execute(req) {
    if (succeeding.has(req.job_id)) {
      return { status: 'completed', symbols: [], error: null };
    }
    return {
      status: 'failed',
      symbols: req.symbols.map((s) => ({ symbol: s, status: 'error' as const, error: 'HTTP 500' })),
      error: null,
    };
  },
};

async function createJobs(services: Services, count: number, prefix: string) {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 200) {
    const made = await Promise.all(
      Array.from({ length: Math.min(200, count - i) }, (_, k) =>
        services.registry.create({
          name: `${prefix} ${i + k}`,
          stock_ids: ['AAPL'],
          schedule_time: '03:17',
          timezone: 'UTC',
        }),
      ),
    );
    ids.push(...made.map((j) => j.job_id));
  }
  return ids;
}

/** Start delays of a 1 s cron job over `seconds`. */
async function loneJobLag(services: Services, seconds: number) {
  const lone = await services.registry.create({
    name: 'lone',
    stock_ids: ['AAPL'],
    schedule: { kind: 'cron', expression: '* * * * * *' },
    timezone: 'UTC',
  });
  succeeding.add(lone.job_id);
  await sleep(seconds * 1000);
  await services.registry.stop(lone.job_id);
  const runs = (await services.runs.list(lone.job_id, 100)).filter((r) => r.scheduled_for);
  await services.registry.delete(lone.job_id);
  return stats(runs.map((r) => Date.parse(r.started_at) - Date.parse(r.scheduled_for!)));
}

async function burst(redisUrl: string) {
  const hook = await startWebhookReceiver();
  const services = testServices(
    redisUrl,
    { MAX_CONCURRENT_RUNS: '50', NOTIFY_CONCURRENCY: '100', RUN_HISTORY_LIMIT: '10' },
    { executor: failing },
  );
  await services.startScheduler();
  log('lone job, no notifications');
  const quiet = await loneJobLag(services, 10);
  for (let i = 0; i < CHANNELS; i++) {
    await services.channels.create({
      kind: 'webhook',
      name: `bench ${i}`,
      url: `${hook.url}?channel=${i}`,
      format: 'json',
      secret: 'bench-secret-0',
      events: ['run.failed'],
      job_ids: null,
    });
  }
  const jobIds = await createJobs(services, RUNS, 'burst');
  log(`${RUNS} failing runs over ${CHANNELS} channels`);
  const expected = RUNS * CHANNELS;
  const started = Date.now();
  const runIds = (await Promise.all(jobIds.map((id) => services.scheduler.runNow(id)))).map(
    (r) => r.run_id,
  );
  // The runs first (they share the run queue with the lone job), then the lone job's start
  // delay while their deliveries are still being made: what the notifications cost dispatch.
  for (;;) {
    const raws = await services.redis.mget(runIds.map((id) => keys.run(id)));
    if (raws.every((r) => r !== null && (JSON.parse(r) as { finished_at: unknown }).finished_at))
      break;
    await sleep(200);
  }
  const runsDoneMs = Date.now() - started;
  const receivedBeforeLone = hook.requests.length;
  log(`runs done in ${runsDoneMs} ms, ${receivedBeforeLone} deliveries received; lone job`);
  const during = await loneJobLag(services, 10);
  const receivedDuringLone = hook.requests.length - receivedBeforeLone;
  const unique = () =>
    new Set(hook.requests.map((r) => `${r.path} ${r.headers['x-stock-scheduler-delivery']}`));
  while (unique().size < expected && Date.now() - started < 600_000) await sleep(500);
  const attempts = await processMetrics().notifications.get();
  const received = hook.requests;
  const firstAt = Math.min(...received.map((r) => r.at));
  const lastAt = Math.max(...received.map((r) => r.at));
  const latency = received.map((r) => {
    const body = JSON.parse(r.body) as { run: { finished_at: string } };
    return r.at - Date.parse(body.run.finished_at);
  });
  const ids = new Set(received.map((r) => `${r.path} ${r.headers['x-stock-scheduler-delivery']}`));
  await services.close();
  await hook.close();
  return {
    runs: RUNS,
    channels: CHANNELS,
    deliveries_expected: expected,
    deliveries_received: received.length,
    duplicates: received.length - ids.size,
    attempts_by_outcome: Object.fromEntries(
      attempts.values.map((v) => [String(v.labels.outcome), v.value]),
    ),
    deliveries_per_second: +((received.length / Math.max(1, lastAt - firstAt)) * 1000).toFixed(0),
    runs_done_ms: runsDoneMs,
    first_to_last_delivery_ms: lastAt - firstAt,
    deliveries_during_lone_job_window: receivedDuringLone,
    run_end_to_receipt_ms: stats(latency),
    lone_job_start_lag_ms: { quiet, during_burst: during },
  };
}

async function scrape(redisUrl: string) {
  const services = testServices(redisUrl, { SCHEDULER_ENABLED: 'false' });
  await services.redis.flushall();
  log(`${JOBS} jobs for the /metrics scrape`);
  const ids = await createJobs(services, JOBS, 'metered');
  const now = Date.now();
  for (let i = 0; i < ids.length; i += 1000) {
    const fields = ids.slice(i, i + 1000).flatMap((id) => [id, String(now)]);
    await services.redis.hset(keys.jobLastSuccess, ...fields);
  }
  const api = await serveApi(services);
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 60; i++) {
    const t0 = performance.now();
    const text = await (await fetch(`${api.base}/metrics`)).text();
    times.push(performance.now() - t0);
    bytes = text.length;
  }
  api.close();
  await services.close();
  return { jobs: JOBS, bytes, scrape_ms: stats(times.slice(10)) };
}

const redis = await startTestRedis({ appendonly: false });
try {
  const load = os.loadavg().map((l) => +l.toFixed(2));
  const result = {
    machine: `${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    load_average_at_start: load,
    // The burst takes minutes on a small machine (50,000 deliveries): BENCH_BURST=1 runs it.
    burst: process.env.BENCH_BURST === '1' ? await burst(redis.url) : null,
    metrics: await scrape(redis.url),
  };
  console.log(JSON.stringify(result, null, 2));
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/notify.json', JSON.stringify(result, null, 2));
} finally {
  await redis.stop();
}
