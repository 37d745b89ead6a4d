/**
 * `npm run bench:api`: with 10,000 jobs in Redis, latency of GET /scheduler/jobs (all of
 * them), of jobs.get and of jobs.create over HTTP against the real server, and the naive list
 * (GET the index, then one GET per job, one after the other) in the same run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { Redis } from 'ioredis';
import { startApp } from '../test/support/app-server';
import { startTestRedis } from '../test/support/redis-server';

const JOBS = Number(process.env.BENCH_JOBS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 50);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
async function measure(n: number, fn: () => Promise<unknown>) {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return {
    p50: +percentile(times, 50).toFixed(2),
    p99: +percentile(times, 99).toFixed(2),
    max: +times.at(-1)!.toFixed(2),
  };
}

const redis = await startTestRedis({ appendonly: false });
const app = await startApp({
  env: { REDIS_URL: redis.url, SCHEDULER_ENABLED: 'false', LOG_LEVEL: 'warn' },
});
const client = new Redis(redis.url);
try {
  const post = (i: number) =>
    fetch(`${app.url}/scheduler/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: `Bench job ${i}`,
        stock_ids: ['META', 'AAPL', 'AMZN', 'NFLX', 'GOOGL'],
        schedule_time: '17:00',
        timezone: 'America/New_York',
      }),
    }).then((r) => r.json() as Promise<{ job_id: string }>);
  const ids: string[] = [];
  for (let i = 0; i < JOBS; i += 100) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(100, JOBS - i) }, (_, k) => post(i + k)),
    );
    ids.push(...batch.map((b) => b.job_id));
  }
  const create = await measure(ROUNDS * 4, () => post(-1));
  // Until the whole body has arrived; its tail carries the total (parsing 5 MB here would
  // measure this client, not the server).
  const listOnce = async () => {
    const res = await fetch(`${app.url}/scheduler/jobs`);
    const body = Buffer.from(await res.arrayBuffer());
    const total = Number(/"total":(\d+)\}$/.exec(body.subarray(-40).toString())?.[1]);
    if (total < JOBS) throw new Error('short list');
  };
  // Unchanged jobs: the body cached for this version of the jobs is sent again.
  const list = await measure(ROUNDS, listOnce);
  // A job changed before each request (not timed): the listing is read and built anew.
  const listCold: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    await fetch(`${app.url}/scheduler/jobs/${ids[i % ids.length]}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: `Bench job ${i} renamed` }),
    });
    const t = performance.now();
    await listOnce();
    listCold.push(performance.now() - t);
  }
  listCold.sort((a, b) => a - b);
  const cold = {
    p50: +percentile(listCold, 50).toFixed(2),
    p99: +percentile(listCold, 99).toFixed(2),
    max: +listCold.at(-1)!.toFixed(2),
  };
  const get = await measure(ROUNDS * 4, () =>
    fetch(
      `${app.url}/api/trpc/jobs.get?input=${encodeURIComponent(JSON.stringify({ job_id: ids[Math.floor(Math.random() * ids.length)] }))}`,
    ).then((r) => r.json()),
  );
  const naive = await measure(Math.max(3, Math.floor(ROUNDS / 10)), async () => {
    const index = JSON.parse((await client.get('scheduler:job_index')) ?? '[]') as string[];
    const jobs = [];
    for (const id of index) jobs.push(JSON.parse((await client.get(`scheduler:job:${id}`))!));
    if (jobs.length < JOBS) throw new Error('short naive list');
  });
  const result = {
    machine: `${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    jobs: JOBS,
    'GET /scheduler/jobs (all, unchanged)': list,
    'GET /scheduler/jobs (all, after a change)': cold,
    'naive list (GET per job)': naive,
    'jobs.get (tRPC)': get,
    'jobs.create (REST)': create,
    speedup_p50_after_change: +(naive.p50 / cold.p50).toFixed(1),
  };
  console.table(
    Object.fromEntries(Object.entries(result).filter(([, v]) => typeof v === 'object')),
  );
  console.log(JSON.stringify(result, null, 2));
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/api.json', JSON.stringify(result, null, 2));
} finally {
  client.disconnect();
  await app.stop();
  await redis.stop();
}
