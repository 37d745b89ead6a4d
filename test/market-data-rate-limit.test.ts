/**
 * The shared rate limit and request sharing across real OS processes: each child is `tsx` on a
 * small script running a JobExecutor against the same redis-server and replay server. The
 * children start together (each says "ready", then all get "go" on stdin).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startReplayServer, type ReplayServer } from '../src/replay/replay-server';
import { RateLimiter } from '../src/server/market-data/rate-limiter';
import type {
  ExecutionResult,
  ExecutorStats,
  RunRequest,
} from '../src/server/scheduler/job-executor';
import { startTestRedis, type TestRedis } from './support/redis-server';

const ROOT = path.resolve(import.meta.dirname, '..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const src = (file: string) => JSON.stringify(pathToFileURL(path.join(ROOT, 'src', file)).href);

/** The child: one executor, one run, its result as a JSON line. Written to a temp dir (.mts: ESM). */
const WORKER = `
import { createRedis } from ${src('server/redis/connection.ts')};
import { JobExecutor } from ${src('server/scheduler/job-executor.ts')};
import { createProvider } from ${src('server/market-data/yahoo.ts')};

const args = JSON.parse(process.argv[2]);
const redis = createRedis(args.redisUrl);
await redis.ping();
const executor = new JobExecutor({
  redis,
  provider: createProvider({ YAHOO_BASE_URL: args.baseUrl, PROVIDER_TIMEOUT_MS: 5000 }),
  config: args.config,
});
// A cold process's first request pays for undici's start-up and for compiling the client's
// code (tens of ms, more on a busy CPU): pay it before the clock starts, against another
// replay server, as a long-running service has long done.
await createProvider({ YAHOO_BASE_URL: args.warmUrl, PROVIDER_TIMEOUT_MS: 5000 }).dailyHistory(
  'WARM',
  '2026-03-02',
  '2026-03-06',
);
// And opens the keep-alive connection to the provider, on a path it does not count.
await (await fetch(args.baseUrl + '/warm-up')).text();
process.stdout.write('ready\\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
const result = await executor.execute(args.run);
process.stdout.write(JSON.stringify({ result, stats: executor.stats }) + '\\n');
await redis.quit();
process.exit(0);
`;

interface Child {
  child: ChildProcess;
  ready: Promise<void>;
  done: Promise<{ result: ExecutionResult; stats: ExecutorStats }>;
}

let redis: TestRedis;
let client: Redis;
let replay: ReplayServer;
let warm: ReplayServer;
let dir: string;
let script: string;

function startChild(run: RunRequest, config: Record<string, number>): Child {
  const child = spawn(
    TSX,
    [
      script,
      JSON.stringify({ redisUrl: redis.url, baseUrl: replay.url, warmUrl: warm.url, config, run }),
    ],
    { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout! });
  let onReady: () => void;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  const done = new Promise<{ result: ExecutionResult; stats: ExecutorStats }>((resolve, reject) => {
    lines.on('line', (line) => {
      if (line === 'ready') onReady();
      else if (line.startsWith('{')) resolve(JSON.parse(line) as Awaited<Child['done']>);
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code} before its result`)));
  });
  return { child, ready, done };
}

async function together(children: Child[]) {
  await Promise.all(children.map((c) => c.ready));
  const t = performance.now();
  for (const c of children) c.child.stdin!.write('go\n');
  const outputs = await Promise.all(children.map((c) => c.done));
  return { outputs, seconds: (performance.now() - t) / 1000 };
}

beforeAll(async () => {
  redis = await startTestRedis();
  client = new Redis(redis.url);
  replay = await startReplayServer({ synthetic: true, latencyMs: 20 });
  warm = await startReplayServer({ synthetic: true });
  dir = mkdtempSync(path.join(tmpdir(), 'stock-scheduler-worker-'));
  script = path.join(dir, 'fetch-worker.mts');
  writeFileSync(script, WORKER);
});

beforeEach(async () => {
  replay.reset();
  await client.flushall();
});

afterAll(async () => {
  client?.disconnect();
  await replay?.close();
  await warm?.close();
  await redis?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('across OS processes', () => {
  it('two processes fetching together never exceed PROVIDER_MAX_RPS at the provider', async () => {
    const config = {
      PROVIDER_MAX_RPS: 10,
      PROVIDER_CONCURRENCY: 8,
      PROVIDER_MAX_ATTEMPTS: 2,
      PROVIDER_BACKOFF_MS: 10,
    };
    const symbols = (p: string) => Array.from({ length: 15 }, (_, i) => `${p}${i}`);
    const range = { start: '2026-03-02', end: '2026-03-06' };
    const { outputs, seconds } = await together([
      startChild({ run_id: 'p1', job_id: 'j1', symbols: symbols('P'), ...range }, config),
      startChild({ run_id: 'q1', job_id: 'j2', symbols: symbols('Q'), ...range }, config),
    ]);
    expect(outputs.map((o) => o.result.status)).toEqual(['completed', 'completed']);
    expect(replay.stats.total).toBe(30);
    // The limiter grants slots 100 ms apart (Redis time); a request reaches the provider a few
    // ms to a few tens of ms after its grant, depending on how busy the machine is. So any 11
    // consecutive arrivals span about a second; 10 in well under a second would be a breach.
    const arrivals = replay.stats.requests.map((r) => r.at).sort((a, b) => a - b);
    const SEND_JITTER_MS = 150;
    for (let i = 10; i < arrivals.length; i++) {
      expect(arrivals[i]! - arrivals[i - 10]!).toBeGreaterThanOrEqual(1000 - SEND_JITTER_MS);
    }
    // Alone, each process would have finished in well under a second: they waited for each other.
    expect(seconds).toBeGreaterThanOrEqual(2.5);
    // And both were served throughout, not one after the other.
    const firstQ = replay.stats.requests.findIndex((r) => r.symbol.startsWith('Q'));
    const firstP = replay.stats.requests.findIndex((r) => r.symbol.startsWith('P'));
    expect(Math.max(firstP, firstQ)).toBeLessThan(10);
  });

  it('two processes asking for the same 5 symbols at once make 5 provider requests', async () => {
    const config = {
      PROVIDER_MAX_RPS: 50,
      PROVIDER_CONCURRENCY: 8,
      PROVIDER_MAX_ATTEMPTS: 2,
      PROVIDER_BACKOFF_MS: 10,
    };
    replay.setFaults({ latencyMs: 200 });
    const symbols = ['META', 'AAPL', 'AMZN', 'NFLX', 'GOOGL'];
    const range = { start: '2026-10-01', end: '2026-10-30' };
    const { outputs } = await together([
      startChild({ run_id: 'a', job_id: 'ja', symbols, ...range }, config),
      startChild({ run_id: 'b', job_id: 'jb', symbols, ...range }, config),
    ]);
    expect(outputs.map((o) => o.result.status)).toEqual(['completed', 'completed']);
    expect(replay.stats.total).toBe(5);
    expect(outputs[0]!.stats.providerRequests + outputs[1]!.stats.providerRequests).toBe(5);
    expect(outputs[0]!.result.symbols).toEqual(outputs[1]!.result.symbols);
  });
});

describe('RateLimiter', () => {
  it('spaces slots across limiters on separate connections', async () => {
    const conns = [new Redis(redis.url), new Redis(redis.url)];
    try {
      const limiters = conns.map(
        (redis) => new RateLimiter({ redis, provider: 'test', maxRps: 20, concurrency: 50 }),
      );
      const times: number[] = [];
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          limiters[i % 2]!.run(async () => {
            times.push(performance.now());
          }),
        ),
      );
      times.sort((a, b) => a - b);
      // 30 slots at 20 per second: the last comes about 1.5 s after the first.
      expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(1400);
      // Slots are granted 50 ms apart in Redis time; a callback runs a little after its grant,
      // later on a busy machine, so 21 consecutive slots span a second less that delay.
      for (let i = 20; i < times.length; i++) {
        expect(times[i]! - times[i - 20]!).toBeGreaterThanOrEqual(1000 - 150);
      }
    } finally {
      for (const c of conns) c.disconnect();
    }
  });

  it('pause holds every process back; an abort while waiting frees the slot', async () => {
    const limiter = new RateLimiter({
      redis: client,
      provider: 'test',
      maxRps: 100,
      concurrency: 1,
    });
    // Taken before the pause is set: the pause can only end 500 ms after it was set, however
    // late this process gets to run after setting it.
    const t = performance.now();
    await limiter.pause(500);
    const release = await limiter.acquire();
    expect(performance.now() - t).toBeGreaterThanOrEqual(490);
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    controller.abort(new Error('stopped'));
    await expect(waiting).rejects.toThrow('stopped');
    release();
    expect(limiter.inFlight).toBe(0);
    (await limiter.acquire())();
    expect(limiter.inFlight).toBe(0);
  });

  it('refuses nonsense limits with the setting named', () => {
    expect(
      () => new RateLimiter({ redis: client, provider: 't', maxRps: 0, concurrency: 1 }),
    ).toThrow('PROVIDER_MAX_RPS must be a whole number >= 1, got 0');
  });
});
