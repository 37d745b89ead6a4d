/**
 * `npm run bench:dispatch`: 10,000 active jobs, 1,000 of them due in the same second.
 * Dispatch lag (fire time to run queued, which is ahead of the fire time, and to run started),
 * a lone job's lag, Redis commands
 * per wake-up at 10 / 1,000 / 10,000 jobs, and the same burst through BullMQ's own job
 * schedulers (upsertJobScheduler) as the reference.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { createLogger } from '../src/server/logger';
import { keys } from '../src/server/keys';
import { Dispatcher } from '../src/server/scheduler/dispatcher';
import type { Run, Schedule } from '../src/domain/job-definition';
import type { RunExecutor } from '../src/server/scheduler/run-worker';
import { startTestRedis } from '../test/support/redis-server';
import { testServices } from '../test/support/services';

const TOTAL = Number(process.env.BENCH_JOBS ?? 10_000);
const BURST = Number(process.env.BENCH_BURST ?? 1_000);

const stats = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const at = (p: number) => +s[Math.min(s.length - 1, Math.floor(p * s.length))]!.toFixed(1);
  return { n: s.length, p50: at(0.5), p99: at(0.99), max: +s.at(-1)!.toFixed(1) };
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cronAt = (ms: number) => {
  const d = new Date(ms);
  return `${d.getUTCSeconds()} ${d.getUTCMinutes()} ${d.getUTCHours()} * * *`;
};

/** Sum of every command Redis executed (scripts' inner calls included), from INFO commandstats. */
async function commandCount(redis: Redis): Promise<number> {
  const info = await redis.info('commandstats');
  let total = 0;
  for (const m of info.matchAll(/calls=(\d+)/g)) total += Number(m[1]);
  return total;
}

const noop: RunExecutor = {
  async execute(req) {
    return {
      status: 'completed',
      symbols: req.symbols.map((s) => ({ symbol: s, status: 'ok' as const, bars: 0 })),
      error: null,
    };
  },
};

async function ours(redisUrl: string) {
  const services = testServices(
    redisUrl,
    { MAX_CONCURRENT_RUNS: '100', RUN_HISTORY_LIMIT: '10' },
    { executor: noop },
  );
  const far = { kind: 'daily' as const, times: ['03:17'], days: ['mon' as const] };
  const create = async (count: number, schedule: (n: number) => Schedule) => {
    for (let i = 0; i < count; i += 200) {
      await Promise.all(
        Array.from({ length: Math.min(200, count - i) }, (_, k) =>
          services.registry.create({
            name: `bench ${i + k}`,
            stock_ids: ['AAPL'],
            schedule: schedule(i + k),
            timezone: 'UTC',
          }),
        ),
      );
    }
  };
  // The burst first (they are the first of the index), then the idle rest, then the fire time.
  const fireAt = Math.ceil((Date.now() + 30_000) / 1000) * 1000;
  await create(BURST, () => ({ kind: 'cron', expression: cronAt(fireAt) }));
  await create(TOTAL - BURST, () => far);
  if (Date.now() > fireAt - 3000)
    throw new Error('creating the jobs took too long for the chosen fire time');
  await services.startScheduler();
  await sleep(fireAt - Date.now() + 5000);
  const ids = (await services.registry.all()).slice(0, BURST).map((j) => j.job_id);
  const runs: Run[] = [];
  for (const id of ids) runs.push(...(await services.runs.list(id, 5)));
  const started = runs.filter((r) => r.scheduled_for === new Date(fireAt).toISOString());
  const queuedLag: number[] = [];
  for (const id of ids.slice(0, BURST)) {
    const job = await services.scheduler.queue.getJob(`fire:${id}:${fireAt}`);
    if (job) queuedLag.push(job.timestamp - fireAt);
  }
  const burst = {
    runs: started.length,
    // Fire time to the claim being handed to BullMQ (the Job object's timestamp); negative:
    // claimed and queued (delayed) that long before the fire time.
    queued_vs_fire_ms: stats(queuedLag),
    started_lag_ms: stats(started.map((r) => Date.parse(r.started_at) - fireAt)),
  };

  // A lone job: 1 s cron, 15 fires, with the 10,000 others idle around it.
  const lone = await services.registry.create({
    name: 'lone',
    stock_ids: ['AAPL'],
    schedule: { kind: 'cron', expression: '* * * * * *' },
    timezone: 'UTC',
  });
  await sleep(16_000);
  await services.registry.stop(lone.job_id);
  const loneRuns = (await services.runs.list(lone.job_id, 50)).filter((r) => r.scheduled_for);
  const loneLag = stats(
    loneRuns.map((r) => Date.parse(r.started_at) - Date.parse(r.scheduled_for!)),
  );
  await services.close();
  return { burst, lone_started_lag_ms: loneLag };
}

async function wakeupCost(redisUrl: string, counts: number[]) {
  const out: Record<string, number> = {};
  for (const n of counts) {
    const services = testServices(redisUrl, {}, { executor: noop });
    await services.redis.flushall();
    for (let i = 0; i < n; i += 200) {
      await Promise.all(
        Array.from({ length: Math.min(200, n - i) }, (_, k) =>
          services.registry.create({
            name: `w ${i + k}`,
            stock_ids: ['A'],
            schedule_time: '03:17',
            timezone: 'UTC',
          }),
        ),
      );
    }
    // One job due now: the wake-up claims it. Its next fire is tomorrow, outside the
    // lookahead, so the wake-up after it is idle.
    const due = await services.registry.create({
      name: 'due',
      stock_ids: ['A'],
      schedule_time: '03:17',
      timezone: 'UTC',
    });
    await services.redis.zadd(keys.due, Date.now() - 10, due.job_id);
    const probe = new Redis(redisUrl);
    const subscriber = services.connect();
    const dispatcher = new Dispatcher({
      redis: services.redis,
      subscriber,
      logger: createLogger({ level: 'silent' }),
      misfireGraceMs: 3600_000,
      missedAfterMs: 300_000,
      enqueue: async () => undefined,
      recordMissed: async () => undefined,
      newRunId: () => 'bench',
    });
    // Each reading is itself one INFO command, taken off the count.
    const c0 = await commandCount(probe);
    await dispatcher.tick();
    const c1 = await commandCount(probe);
    await dispatcher.tick();
    const c2 = await commandCount(probe);
    out[`${n + 1} jobs, wake-up with 1 due`] = c1 - c0 - 1;
    out[`${n + 1} jobs, idle wake-up`] = c2 - c1 - 1;
    probe.disconnect();
    await dispatcher.stop();
    subscriber.disconnect();
    await services.close();
  }
  return out;
}

async function bullmqReference(redisUrl: string) {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  await connection.flushall();
  const queue = new Queue('ref', { connection, prefix: 'bullref' });
  const fireAt = Math.ceil((Date.now() + 20_000) / 1000) * 1000;
  const lags: number[] = [];
  const workerConnection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const worker = new Worker(
    'ref',
    async (job) => {
      if (job.name === 'burst') lags.push(Date.now() - fireAt);
    },
    {
      connection: workerConnection,
      prefix: 'bullref',
      concurrency: 100,
    },
  );
  for (let i = 0; i < TOTAL; i += 200) {
    await Promise.all(
      Array.from({ length: Math.min(200, TOTAL - i) }, (_, k) => {
        const n = i + k;
        return queue.upsertJobScheduler(
          `s${n}`,
          { pattern: n < BURST ? cronAt(fireAt) : '0 17 3 * * 1', tz: 'UTC' },
          { name: n < BURST ? 'burst' : 'far' },
        );
      }),
    );
  }
  if (Date.now() > fireAt - 1000) throw new Error('creating the schedulers took too long');
  await sleep(fireAt - Date.now() + 5000);
  await worker.close();
  await queue.close();
  connection.disconnect();
  workerConnection.disconnect();
  return { runs: lags.length, started_lag_ms: lags.length ? stats(lags) : null };
}

const log = (msg: string) => process.stderr.write(`${new Date().toISOString()} ${msg}\n`);
const redis = await startTestRedis({ appendonly: false });
try {
  log('burst through our dispatcher');
  const result = {
    machine: `${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    jobs: TOTAL,
    burst: BURST,
    ours: await ours(redis.url),
    bullmq_job_schedulers: await (log('burst through BullMQ job schedulers'),
    bullmqReference(redis.url)),
    redis_commands_per_wakeup: await (log('wake-up cost'), wakeupCost(redis.url, [9, 999, 9_999])),
  };
  console.log(JSON.stringify(result, null, 2));
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/dispatch.json', JSON.stringify(result, null, 2));
} finally {
  await redis.stop();
}
