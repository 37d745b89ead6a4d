/**
 * `npm run bench:api`: with 10,000 jobs in Redis, latency of GET /scheduler/jobs (all of
 * them), of jobs.get and of jobs.create over HTTP against the real server, and the naive list
 * (GET the index, then one GET per job, one after the other) in the same run; then the cost of
 * authentication: jobs.get and GET /scheduler/jobs in local mode, then with an API token (and
 * jobs.get with a session) once an account exists, on the same server and data.
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
  // Authentication's cost: the same requests in local mode (above: no credentials, loopback),
  // then once an account exists, with an API token, on the same server and data.
  const getOnce = (headers: Record<string, string>) =>
    fetch(
      `${app.url}/api/trpc/jobs.get?input=${encodeURIComponent(JSON.stringify({ job_id: ids[Math.floor(Math.random() * ids.length)] }))}`,
      { headers },
    ).then((r) => r.json());
  const listFull = async (headers: Record<string, string>) => {
    const res = await fetch(`${app.url}/scheduler/jobs`, { headers });
    await res.arrayBuffer();
  };
  const page50 = (headers: Record<string, string>) =>
    fetch(`${app.url}/scheduler/jobs?limit=50`, { headers }).then((r) => r.arrayBuffer());
  const auth = { get: {}, list: {}, page: {} } as Record<string, Record<string, unknown>>;
  auth.get!.local = await measure(ROUNDS * 4, () => getOnce({}));
  auth.list!.local = await measure(ROUNDS, () => listFull({}));
  auth.page!.local = await measure(ROUNDS * 4, () => page50({}));
  const setup = await fetch(`${app.url}/auth/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: 'bench@example.com',
      name: 'Bench',
      password: 'bench password 123',
    }),
  });
  const cookie = setup.headers.get('set-cookie')!.split(';')[0]!;
  const { token } = (await (
    await fetch(`${app.url}/scheduler/tokens`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench', role: 'viewer' }),
    })
  ).json()) as { token: string };
  const withToken = { authorization: `Bearer ${token}` };
  auth.get!.token = await measure(ROUNDS * 4, () => getOnce(withToken));
  auth.list!.token = await measure(ROUNDS, () => listFull(withToken));
  auth.page!.token = await measure(ROUNDS * 4, () => page50(withToken));
  auth.get!.session = await measure(ROUNDS * 4, () => getOnce({ cookie }));

  const result = {
    load_average: os.loadavg().map((l) => +l.toFixed(1)),
    'auth: jobs.get, local mode': auth.get!.local,
    'auth: jobs.get, API token': auth.get!.token,
    'auth: jobs.get, session': auth.get!.session,
    'auth: GET /scheduler/jobs (all), local mode': auth.list!.local,
    'auth: GET /scheduler/jobs (all), API token': auth.list!.token,
    'auth: GET /scheduler/jobs?limit=50, local mode': auth.page!.local,
    'auth: GET /scheduler/jobs?limit=50, API token': auth.page!.token,
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
