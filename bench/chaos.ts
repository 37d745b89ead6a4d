/**
 * `npm run bench:chaos` (not in `npm run bench`: it takes about two and a half minutes): the
 * real server with its scheduler, a real redis-server (append-only, fsync always) and the
 * replay provider on loopback. 200 concurrent clients do a mix of list, get, create, update,
 * run-now, status, dashboard and runs requests for 60 s (each with a 5 s client timeout), 20
 * more hold live `events.onChange` subscriptions, and Redis is killed (SIGKILL) for 10 s in the
 * middle, then started again on the same directory. Reported: requests, outcomes by kind,
 * p50/p99/max latency, the server's peak RSS, ghost writes (creates a client saw fail that exist
 * afterwards), every run's final status, and Redis's clients with 1,000 open subscriptions.
 *
 * The server's memory is sampled every CHAOS_SAMPLE_SECONDS (5): RSS and V8's heap, as a
 * series (memory-sampler.ts). CHAOS_ROUNDS=2 runs the load twice in a row against the same
 * server (an outage in each), CHAOS_SECONDS the length of a round (60), and CHAOS_IDLE_SECONDS
 * (20) of no load end it, so a plateau and a climb can be told apart. CHAOS_HEAP_SNAPSHOTS=1
 * has the server write a heap snapshot (bench/results/heap/) after the seeding, after each
 * round and after the idle, and reports the heap each full GC left: what it really holds.
 */
import http from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { startReplayServer } from '../src/replay/replay-server';
import { startApp } from '../test/support/app-server';
import { startTestRedis } from '../test/support/redis-server';
import { rssKb, sampleMemory } from './memory-sampler';

const CLIENTS = Number(process.env.CHAOS_CLIENTS ?? 200);
const DURATION_MS = Number(process.env.CHAOS_SECONDS ?? 60) * 1000;
const OUTAGE_AT_MS = DURATION_MS / 2 - 5000;
const OUTAGE_MS = 10_000;
/** Rounds of load in a row against the same server (and the same Redis, whose data grows). */
const ROUNDS = Number(process.env.CHAOS_ROUNDS ?? 1);
/** No load at the end, every run ended: does the memory come down, or stay? */
const IDLE_MS = Number(process.env.CHAOS_IDLE_SECONDS ?? 20) * 1000;
const SAMPLE_MS = Number(process.env.CHAOS_SAMPLE_SECONDS ?? 5) * 1000;
/** Heap snapshots (and the heap a full GC leaves) after the seeding, each round and the idle. */
const SNAPSHOTS = process.env.CHAOS_HEAP_SNAPSHOTS === '1';
const SNAPSHOT_DIR = path.resolve('bench/results/heap');
if (SNAPSHOTS) mkdirSync(SNAPSHOT_DIR, { recursive: true });
const TIMEOUT_MS = 5000;
const SUBSCRIBERS = 20;
const SEED_JOBS = 200;

const load = () => os.loadavg().map((l) => +l.toFixed(2));
const loadBefore = load();
const redis = await startTestRedis({ appendonly: true });
const replay = await startReplayServer({ synthetic: true, latencyMs: 20 });
const app = await startApp({
  env: {
    REDIS_URL: redis.url,
    YAHOO_BASE_URL: replay.url,
    LOG_LEVEL: 'warn',
    MAX_CONCURRENT_RUNS: '10',
    PROVIDER_MAX_RPS: '500',
    PROVIDER_CONCURRENCY: '20',
    SUBSCRIPTIONS_MAX: '2000',
    ...(SNAPSHOTS && {
      NODE_OPTIONS: `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${SNAPSHOT_DIR}`,
    }),
  },
});
// A failure on the way must not leave the server and Redis running behind it.
process.once('uncaughtException', (error) => {
  console.error(error);
  void app
    .kill()
    .then(() => redis.stop())
    .finally(() => process.exit(1));
});
// Its scheduler is up once it lists itself (LOG_LEVEL=warn hides the start lines).
while (
  !((await fetch(`${app.url}/scheduler/status`).then((r) => r.json())) as { instances: unknown[] })
    .instances.length
) {
  await new Promise((r) => setTimeout(r, 200));
}
const client = new Redis(redis.url, { maxRetriesPerRequest: null });
client.on('error', () => undefined);

type Outcome = { kind: string; ms: number; at: number };
let started = Date.now();
const outcomes: Outcome[] = [];
const createdNames = new Map<string, { kind: string; at: number }>(); // name -> outcome
const jobIds: string[] = [];

/** One request with the client's timeout; its outcome is its status, `timeout` or `network`. */
async function request(method: string, path: string, body?: unknown) {
  const t = performance.now();
  let kind: string;
  let json: unknown = null;
  try {
    const res = await fetch(`${app.url}${path}`, {
      method,
      signal: AbortSignal.timeout(TIMEOUT_MS),
      ...(body !== undefined && {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    });
    const text = await res.text();
    kind = String(res.status);
    if (res.ok && text) json = JSON.parse(text);
  } catch (error) {
    kind = (error as Error).name === 'TimeoutError' ? 'timeout' : 'network';
  }
  const outcome = {
    kind,
    ms: performance.now() - t,
    at: Math.round((Date.now() - started) / 1000),
  };
  outcomes.push(outcome);
  return { ...outcome, json };
}

const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)]!;
const symbols = () =>
  Array.from({ length: 3 }, () => pick(['AAPL', 'MSFT', 'GOOGL', 'AMZN', 'META', 'NFLX', 'NVDA']));
const jobBody = (name: string) => ({
  name,
  stock_ids: [...new Set(symbols())],
  schedule_time: '03:00',
});

for (let i = 0; i < SEED_JOBS; i++) {
  const res = await request('POST', '/scheduler/jobs', jobBody(`seed ${i}`));
  jobIds.push((res.json as { job_id: string }).job_id);
}
outcomes.length = 0;

/** The mix: mostly reads, as dashboards and scripts do, with writes and run-nows among them. */
const MIX: [number, (c: string, n: number) => Promise<unknown>][] = [
  [25, () => request('GET', `/scheduler/jobs?limit=50&offset=${Math.floor(Math.random() * 150)}`)],
  [25, () => request('GET', `/scheduler/jobs/${pick(jobIds)}`)],
  [10, () => request('GET', `/scheduler/jobs/${pick(jobIds)}/runs?limit=10`)],
  [10, () => request('GET', '/scheduler/status')],
  [5, () => request('GET', '/scheduler/dashboard')],
  [
    8,
    async (c, n) => {
      const name = `chaos ${c}-${n}`;
      const res = await request('POST', '/scheduler/jobs', jobBody(name));
      createdNames.set(name, { kind: res.kind, at: res.at });
      if (res.kind === '201') jobIds.push((res.json as { job_id: string }).job_id);
    },
  ],
  [
    15,
    () =>
      request('PUT', `/scheduler/jobs/${pick(jobIds)}`, {
        lookback_days: 1 + Math.floor(Math.random() * 60),
      }),
  ],
  [2, () => request('POST', `/scheduler/jobs/${pick(jobIds)}/run`)],
];
const WEIGHT = MIX.reduce((s, [w]) => s + w, 0);
function choose() {
  let r = Math.random() * WEIGHT;
  for (const [w, op] of MIX) if ((r -= w) < 0) return op;
  return MIX[0]![1];
}

/** A live subscription that reconnects after 500 ms whenever it ends; counts events seen. */
const live = { events: 0, reconnects: 0 };
function subscriber(stop: { done: boolean }) {
  const open = () => {
    if (stop.done) return;
    const req = http.get(
      `${app.url}/api/trpc/events.onChange`,
      { agent: false, headers: { accept: 'text/event-stream' } },
      (res) => {
        res.on(
          'data',
          (chunk: Buffer) => (live.events += (chunk.toString().match(/^data:/gm) ?? []).length),
        );
        res.on('end', again);
        res.on('error', again);
      },
    );
    req.on('error', again);
    subs.push(req);
  };
  let waiting = false;
  const again = () => {
    if (waiting || stop.done) return;
    waiting = true;
    live.reconnects++;
    setTimeout(() => ((waiting = false), open()), 500);
  };
  open();
}
const subs: http.ClientRequest[] = [];

const memory = sampleMemory(app.child.pid!, `${app.url}/metrics`, SAMPLE_MS);
const rssStart = Math.round(rssKb(app.child.pid!) / 1024);

/**
 * One round of load: the clients for DURATION_MS beside the live subscriptions, with Redis
 * killed for OUTAGE_MS in the middle. Its own requests' figures; creates and runs add up.
 */
async function round(r: number) {
  outcomes.length = 0;
  const loadAtStart = load();
  await memory.phase(`round ${r}`);
  const stop = { done: false };
  for (let i = 0; i < SUBSCRIBERS; i++) subscriber(stop);
  started = Date.now();
  const outage = (async () => {
    await new Promise((res) => setTimeout(res, OUTAGE_AT_MS));
    await redis.kill();
    const killedAt = Date.now() - started;
    await new Promise((res) => setTimeout(res, OUTAGE_MS));
    await redis.start();
    return {
      killed_at_s: +(killedAt / 1000).toFixed(1),
      restarted_at_s: +((Date.now() - started) / 1000).toFixed(1),
    };
  })();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      for (let n = 0; Date.now() - started < DURATION_MS; n++) await choose()(`${r}-${c}`, n);
    }),
  );
  const outageTimes = await outage;
  stop.done = true;
  for (const s of subs.splice(0)) s.destroy();

  const times = outcomes.map((o) => o.ms).sort((a, b) => a - b);
  const pct = (p: number) =>
    +times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!.toFixed(1);
  const byKind: Record<string, number> = {};
  for (const o of outcomes) byKind[o.kind] = (byKind[o.kind] ?? 0) + 1;
  /** Seconds (since the start) at which requests ended in a timeout or a network error. */
  const troubleAt: Record<string, Record<number, number>> = {};
  for (const o of outcomes.filter((x) => x.kind === 'timeout' || x.kind === 'network')) {
    const at = (troubleAt[o.kind] ??= {});
    at[o.at] = (at[o.at] ?? 0) + 1;
  }
  return {
    round: r,
    load_average: { start: loadAtStart, end: load() },
    outage: outageTimes,
    requests: outcomes.length,
    requests_per_s: Math.round(outcomes.length / (DURATION_MS / 1000)),
    outcomes: byKind,
    timeouts_and_network_errors_at_s: troubleAt,
    latency_ms: { p50: pct(50), p99: pct(99), max: +times.at(-1)!.toFixed(1) },
    server_rss_mb_at_end: Math.round(rssKb(app.child.pid!) / 1024),
  };
}

const rounds = [];
if (SNAPSHOTS) await memory.afterFullGc('seeded');
for (let r = 1; r <= ROUNDS; r++) {
  rounds.push(await round(r));
  if (SNAPSHOTS) await memory.afterFullGc(`after round ${r}`);
}
const rssEnd = Math.round(rssKb(app.child.pid!) / 1024);

// Ghost writes: creates a client saw fail whose job exists now.
const existing = new Set<string>();
for (let offset = 0; ; offset += 1000) {
  const page = await fetch(`${app.url}/scheduler/jobs?limit=1000&offset=${offset}`).then(
    (r) => r.json() as Promise<{ jobs: { name: string }[] }>,
  );
  for (const j of page.jobs) existing.add(j.name);
  if (page.jobs.length < 1000) break;
}
const ghosts: Record<string, number[]> = {};
let failedCreates = 0;
for (const [name, { kind, at }] of createdNames) {
  if (kind === '201') continue;
  failedCreates++;
  if (existing.has(name)) (ghosts[kind] ??= []).push(at);
}
const lostCreates = [...createdNames].filter(
  ([n, o]) => o.kind === '201' && !existing.has(n),
).length;

// Every run ends: wait (up to 120 s) until no run is queued or running.
async function runStatuses() {
  const counts: Record<string, number> = {};
  failedErrors.clear();
  const runKeys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await client.scan(cursor, 'MATCH', 'scheduler:run:*', 'COUNT', 1000);
    cursor = next;
    runKeys.push(...found);
  } while (cursor !== '0');
  for (let i = 0; i < runKeys.length; i += 500) {
    for (const raw of await client.mget(runKeys.slice(i, i + 500))) {
      if (!raw) continue;
      const run = JSON.parse(raw) as { status: string; error: string | null };
      counts[run.status] = (counts[run.status] ?? 0) + 1;
      if (run.status === 'failed') {
        const why = (run.error ?? '').replace(/[0-9a-f-]{36}|\d+/g, 'N').slice(0, 120);
        failedErrors.set(why, (failedErrors.get(why) ?? 0) + 1);
      }
    }
  }
  return counts;
}
const failedErrors = new Map<string, number>();
let runs = await runStatuses();
const settleStarted = Date.now();
while ((runs.running ?? 0) + (runs.queued ?? 0) > 0 && Date.now() - settleStarted < 120_000) {
  await new Promise((r) => setTimeout(r, 1000));
  runs = await runStatuses();
}
const settleSeconds = +((Date.now() - settleStarted) / 1000).toFixed(1);

// Idle: no load, Redis up, every run ended; a heap that only warmed up stays or shrinks.
await memory.phase('idle');
await new Promise((res) => setTimeout(res, IDLE_MS));
await memory.phase('idle end');
if (SNAPSHOTS) await memory.afterFullGc('after idle');
memory.stop();

// 1,000 open subscriptions: Redis clients before, during and after.
const redisClients = async () =>
  String(await client.client('LIST'))
    .trim()
    .split('\n').length;
const subsBefore = await redisClients();
const thousand: http.ClientRequest[] = [];
await Promise.all(
  Array.from(
    { length: 1000 },
    () =>
      new Promise<void>((resolve) => {
        const req = http.get(
          `${app.url}/api/trpc/events.onChange`,
          { agent: false, headers: { accept: 'text/event-stream' } },
          (res) => {
            res.once('data', () => resolve());
            res.on('error', () => undefined);
          },
        );
        req.on('error', () => resolve());
        thousand.push(req);
      }),
  ),
);
const subsDuring = await redisClients();
for (const r of thousand) r.destroy();
await new Promise((r) => setTimeout(r, 2000));
const subsAfter = await redisClients();

const result = {
  machine: `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'unknown'}`,
  load_average_before: loadBefore,
  load_average_after: load(),
  clients: CLIENTS,
  duration_s: DURATION_MS / 1000,
  client_timeout_ms: TIMEOUT_MS,
  rounds,
  server_rss_mb: { start: rssStart, peak: memory.peakMb, end_of_load: rssEnd },
  server_memory: memory.series(),
  ...(SNAPSHOTS && { server_heap_after_full_gc_mb: memory.retained }),
  creates: {
    tried: createdNames.size,
    failed: failedCreates,
    ghosts_by_failure_at_s: ghosts,
    acknowledged_but_missing: lostCreates,
  },
  runs: {
    by_status: runs,
    failed_because: Object.fromEntries(failedErrors),
    settled_after_s: settleSeconds,
  },
  live_subscriptions: { ...live, subscribers: SUBSCRIBERS },
  redis_clients_1000_subscriptions: { before: subsBefore, during: subsDuring, after: subsAfter },
};
console.log(JSON.stringify(result, null, 2));
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/chaos.json', JSON.stringify(result, null, 2));

client.disconnect();
await app.stop();
await replay.close();
await redis.stop();
process.exit(0);
