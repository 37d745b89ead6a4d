/**
 * One request cannot take the server down, and input that used to be accepted but wrong is
 * refused: the batch limit, page sizes over tRPC, the streamed REST listing, slow clients cut
 * off, percent-encoded path parameters, never-firing cron, names with invisible characters and
 * error messages that do not echo huge input. Over HTTP against the real server process.
 */
import net from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StockDataStore } from '../src/server/market-data/stock-data-store';
import { startApp, type AppProcess } from './support/app-server';
import { api } from './support/http';
import { startTestRedis, type TestRedis } from './support/redis-server';

let redis: TestRedis;
let app: AppProcess;
let client: Redis;
const JOBS = 150;

const job = (name: string) => ({ name, stock_ids: ['AAPL'], schedule_time: '17:00' });

beforeAll(async () => {
  redis = await startTestRedis();
  client = new Redis(redis.url);
  app = await startApp({
    env: { REDIS_URL: redis.url, SCHEDULER_ENABLED: 'false', HTTP_HEADERS_TIMEOUT_MS: '1000' },
  });
  for (let i = 0; i < JOBS; i++) {
    const res = await api(app.url, 'POST', '/scheduler/jobs', job(`job ${i}`));
    expect(res.status).toBe(201);
  }
});

afterAll(async () => {
  client?.disconnect();
  await app?.stop();
  await redis?.stop();
});

type Listing = { jobs: { name: string }[]; total: number };
const trpcGet = async (path: string) => {
  const res = await fetch(`${app.url}/api/trpc/${path}`);
  return { status: res.status, text: await res.text() };
};

describe('bounded work per request', () => {
  it('refuses a tRPC batch of more than 10 calls with a 400 saying so, before running any', async () => {
    const calls = Array.from({ length: 1500 }, () => 'jobs.list').join(',');
    const res = await trpcGet(`${calls}?batch=1`);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text).message).toMatch(/at most 10 calls.*this one has 1500/);
    // Ten is fine, and each call gets one page.
    const ten = await trpcGet(`${Array(10).fill('jobs.list').join(',')}?batch=1`);
    expect(ten.status).toBe(200);
    const answers = JSON.parse(ten.text) as { result: { data: Listing } }[];
    expect(answers).toHaveLength(10);
    for (const a of answers) expect(a.result.data.jobs).toHaveLength(100);
  });

  it('gives jobs.list over tRPC a page of 100 by default and at most 1000', async () => {
    const page = JSON.parse((await trpcGet('jobs.list')).text).result.data as Listing;
    expect(page.jobs).toHaveLength(100);
    expect(page.total).toBe(JOBS);
    const input = encodeURIComponent(JSON.stringify({ limit: 1001 }));
    const tooMany = await trpcGet(`jobs.list?input=${input}`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.text).toMatch(/limit: must be at most 1000/);
  });

  it('keeps REST GET /scheduler/jobs at every job by default, streamed, filters included', async () => {
    const all = await api<Listing>(app.url, 'GET', '/scheduler/jobs');
    expect(all.body.jobs).toHaveLength(JOBS);
    expect(all.body.total).toBe(JOBS);
    const again = await api<Listing>(app.url, 'GET', '/scheduler/jobs');
    expect(again.body).toEqual(all.body);
    const filtered = await api<Listing>(app.url, 'GET', '/scheduler/jobs?q=job%201&offset=2');
    // "job 1", "job 10".."job 19", "job 100".."job 149": 61 matches, the first two skipped.
    expect(filtered.body.total).toBe(61);
    expect(filtered.body.jobs).toHaveLength(59);
    expect(filtered.body.jobs[0]!.name).toBe('job 11');
    const page = await api<Listing>(app.url, 'GET', '/scheduler/jobs?limit=5&offset=148');
    expect(page.body.jobs.map((j) => j.name)).toEqual(['job 148', 'job 149']);
    const bad = await api<{ issues: { path: string }[] }>(
      app.url,
      'GET',
      '/scheduler/jobs?limit=0',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i) => i.path)).toEqual(['limit']);
  });

  it('cuts off a client that sends its headers too slowly (HTTP_HEADERS_TIMEOUT_MS)', async () => {
    const socket = net.connect(app.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    // One header line a while later, never the end of the headers.
    const trickle = setInterval(() => socket.write('X-Slow: 1\r\n'), 300);
    await new Promise((resolve) => socket.once('close', resolve));
    clearInterval(trickle);
    expect(answer).toMatch(/^HTTP\/1.1 408/);
  });
});

describe('input', () => {
  it('reads symbols sent percent-encoded in the path, as most clients send ^GSPC and EURUSD=X', async () => {
    const store = new StockDataStore(client);
    for (const symbol of ['^GSPC', 'EURUSD=X']) {
      await store.save({
        symbol,
        start: '2024-01-02',
        end: '2024-01-03',
        interval: '1d',
        source: 'yahoo',
        currency: 'USD',
        exchange_timezone: 'America/New_York',
        fetched_at: new Date().toISOString(),
        job_id: 'test',
        run_id: 'test',
        bars: [],
        dividends: [],
        splits: [],
      });
    }
    for (const [path, symbol] of [
      ['%5EGSPC', '^GSPC'],
      ['%5egspc', '^GSPC'],
      ['^GSPC', '^GSPC'],
      ['EURUSD%3DX', 'EURUSD=X'],
      ['EURUSD=X', 'EURUSD=X'],
    ]) {
      const res = await api<{ symbol: string }>(app.url, 'GET', `/scheduler/data/${path}`);
      expect(res.status, path).toBe(200);
      expect(res.body.symbol).toBe(symbol);
    }
    // A decoded slash does not reach another route; it is a bad symbol.
    const slash = await api(app.url, 'GET', '/scheduler/data/AAPL%2Fruns');
    expect(slash.status).toBe(400);
  });

  it('quotes a short prefix of an invalid 900 KB symbol, not the whole of it', async () => {
    const huge = 'X:'.repeat(450_000);
    const res = await fetch(`${app.url}/scheduler/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'huge', stock_ids: [huge], schedule_time: '17:00' }),
    });
    const text = await res.text();
    expect(res.status).toBe(400);
    expect(text.length).toBeLessThan(2000);
    expect((JSON.parse(text) as { message: string }).message).toMatch(
      /stock_ids\.0: "X:X:X:X:X:X:X:X:X:X:X:X:"… \(900000 characters\) is not a valid symbol/,
    );
  });

  it('accepts names in any script and with emoji', async () => {
    for (const name of ['Ежедневно', '每日股票', 'دفتر‌ها', '👨‍👩‍👧 family', 'café naïve', '🏳️‍🌈']) {
      const res = await api<{ job_id: string }>(app.url, 'POST', '/scheduler/jobs', job(name));
      expect(res.status, name).toBe(201);
      const stored = await api<{ name: string }>(
        app.url,
        'GET',
        `/scheduler/jobs/${res.body.job_id}`,
      );
      expect(stored.body.name).toBe(name);
      await api(app.url, 'DELETE', `/scheduler/jobs/${res.body.job_id}`);
    }
  });
});
