/**
 * The Yahoo replay server, seen from a plain HTTP client: recordings in both formats, the
 * synthetic bars, every injected fault, the counters, and the CLI.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  defaultFixturesDir,
  startReplayServer,
  type ReplayServer,
} from '../src/replay/replay-server';

const ROOT = path.resolve(import.meta.dirname, '..');
const FIXTURES = defaultFixturesDir();

function fixture(file: string): {
  response: { status: number; headers: Record<string, unknown>; body?: string; bodyJson?: unknown };
} {
  return JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8')) as ReturnType<typeof fixture>;
}

let replay: ReplayServer;

const chart = (symbol: string, query = 'period1=1577836800&period2=1578009600&interval=1d') =>
  fetch(`${replay.url}/v8/finance/chart/${encodeURIComponent(symbol)}?${query}`);

beforeAll(async () => {
  replay = await startReplayServer();
});

beforeEach(() => replay.reset());

afterAll(async () => {
  await replay?.close();
});

describe('recordings', () => {
  it('serves bodyJson re-serialised with the recorded status and content type', async () => {
    const res = await chart('AAPL');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json;charset=utf-8');
    const text = await res.text();
    expect(JSON.parse(text)).toEqual(
      fixture('chart-AAPL-2020-08-31-to-2020-11-07.json').response.bodyJson,
    );
    // The recorded length described a compressed body; ours is the real one.
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(res.headers.get('y-rid')).toBe('4gol7ctjre5iu');
  });

  it('serves an older recording body as it is, with array-valued headers', async () => {
    const res = await chart('0P0000XTS7');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(
      fixture('historical-via-chart-0P0000XTS7-2024-09-12-to-2024-09-16.json').response.body,
    );
    expect(res.headers.get('connection')).not.toBe('close');
  });

  it('answers the recorded 404 for SI and 400 for BEKE', async () => {
    const si = await chart('SI');
    expect(si.status).toBe(404);
    expect(await si.json()).toMatchObject({ chart: { error: { code: 'Not Found' } } });
    const beke = await chart('BEKE');
    expect(beke.status).toBe(400);
    expect(await beke.json()).toMatchObject({ chart: { error: { code: 'Bad Request' } } });
  });

  it('answers an unknown symbol with Yahoo-style Not Found JSON', async () => {
    const res = await chart('ZZZZ');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      chart: {
        result: null,
        error: { code: 'Not Found', description: 'No data found, symbol may be delisted' },
      },
    });
    expect(replay.recordings.sort()).toEqual(['0P0000XTS7', 'AAPL', 'BEKE', 'GOOG', 'MSFT', 'SI']);
  });
});

describe('synthetic bars', () => {
  it('makes up the same weekday bars for any symbol, within the asked period', async () => {
    const synthetic = await startReplayServer({ synthetic: true, unknownSymbols: ['GONE'] });
    try {
      // 2026-03-02 (Mon) .. 2026-03-14 (Sat, exclusive)
      const query = 'period1=1772409600&period2=1773446400&interval=1d';
      const get = async (symbol: string) => {
        const res = await fetch(`${synthetic.url}/v8/finance/chart/${symbol}?${query}`);
        expect(res.status).toBe(200);
        return (await res.json()) as {
          chart: {
            result: [
              {
                meta: { symbol: string };
                timestamp: number[];
                indicators: { quote: [{ close: number[] }] };
              },
            ];
          };
        };
      };
      const a = await get('NFLX');
      expect(await get('NFLX')).toEqual(a);
      // 2026-01-05 .. 2026-01-10: New York is on EST.
      const winter = await fetch(
        `${synthetic.url}/v8/finance/chart/NFLX?period1=1767571200&period2=1768003200`,
      );
      expect(((await winter.json()) as typeof a).chart.result[0].meta).toMatchObject({
        gmtoffset: -18000,
        timezone: 'EST',
      });
      const result = a.chart.result[0];
      expect(result.meta).toMatchObject({
        symbol: 'NFLX',
        exchangeTimezoneName: 'America/New_York',
        gmtoffset: -14400,
        timezone: 'EDT',
      });
      expect(result.timestamp).toHaveLength(10);
      for (const ts of result.timestamp) {
        const day = new Date(ts * 1000);
        expect([1, 2, 3, 4, 5]).toContain(day.getUTCDay());
        // 09:30 in New York: 14:30Z before the DST switch of 2026-03-08, 13:30Z after.
        expect(day.toISOString().slice(11, 16)).toBe(
          day < new Date('2026-03-08') ? '14:30' : '13:30',
        );
      }
      expect(result.indicators.quote[0].close.every((c) => c > 0)).toBe(true);
      expect((await get('META')).chart.result[0].indicators.quote[0].close).not.toEqual(
        result.indicators.quote[0].close,
      );
      // Recordings still win where they cover the period; SI stays unknown.
      const aapl = await fetch(
        `${synthetic.url}/v8/finance/chart/AAPL?period1=1598745600&period2=1604793600`,
      );
      expect(
        ((await aapl.json()) as { chart: { result: [{ timestamp: number[] }] } }).chart.result[0]
          .timestamp,
      ).toHaveLength(49);
      expect((await fetch(`${synthetic.url}/v8/finance/chart/SI?${query}`)).status).toBe(404);
      expect((await fetch(`${synthetic.url}/v8/finance/chart/GONE?${query}`)).status).toBe(404);
    } finally {
      await synthetic.close();
    }
  });
});

describe('faults', () => {
  it('plays a per-symbol queue in order, then answers normally', async () => {
    replay.setFaults('GOOG', [{ status: 429, retryAfter: 1 }, { status: 500 }, 'ok']);
    const first = await chart('GOOG');
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('1');
    expect(await first.text()).toMatch(/^Too Many Requests/);
    expect((await chart('GOOG')).status).toBe(500);
    expect((await chart('GOOG')).status).toBe(200);
    expect((await chart('GOOG')).status).toBe(200);
    // Other symbols were never affected.
    expect((await chart('AAPL')).status).toBe(200);
    expect(replay.stats.requests.map((r) => r.outcome)).toEqual(['429', '500', 'ok', 'ok', 'ok']);
  });

  it('applies a standing global rule to every symbol until replaced', async () => {
    replay.setFaults({ global: { status: 503 } });
    expect((await chart('AAPL')).status).toBe(503);
    expect((await chart('MSFT')).status).toBe(503);
    replay.setFaults({ global: null });
    expect((await chart('AAPL')).status).toBe(200);
  });

  it('adds latency, globally and per fault', async () => {
    replay.setFaults({ latencyMs: 100, symbols: { GOOG: [{ latencyMs: 200 }] } });
    let t = performance.now();
    await (await chart('AAPL')).text();
    expect(performance.now() - t).toBeGreaterThanOrEqual(95);
    t = performance.now();
    await (await chart('GOOG')).text();
    expect(performance.now() - t).toBeGreaterThanOrEqual(295);
  });

  it('hangs until the client gives up', async () => {
    replay.setFaults('GOOG', ['hang']);
    const t = performance.now();
    await expect(
      fetch(`${replay.url}/v8/finance/chart/GOOG`, { signal: AbortSignal.timeout(300) }),
    ).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(performance.now() - t).toBeGreaterThanOrEqual(290);
  });

  it('resets the connection', async () => {
    replay.setFaults('GOOG', ['reset']);
    const error = (await chart('GOOG').catch((e: unknown) => e)) as Error & {
      cause?: { code?: string };
    };
    expect(error).toBeInstanceOf(TypeError);
    expect(error.cause?.code).toMatch(/ECONNRESET|UND_ERR_SOCKET/);
  });

  it('sends a truncated body with status 200', async () => {
    replay.setFaults('AAPL', ['malformed']);
    const res = await chart('AAPL');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.startsWith('{"chart":{"result":[{')).toBe(true);
    expect(() => JSON.parse(text) as unknown).toThrow();
  });
});

describe('counters', () => {
  it('counts requests in total, per symbol and per sliding second', async () => {
    await Promise.all(
      ['AAPL', 'AAPL', 'MSFT', 'SI', 'ZZZZ'].map((s) => chart(s).then((r) => r.text())),
    );
    const stats = replay.stats;
    expect(stats.total).toBe(5);
    expect(stats.bySymbol).toEqual({ AAPL: 2, MSFT: 1, SI: 1, ZZZZ: 1 });
    expect(stats.maxPerSecond).toBe(5);
    expect(stats.maxInFlight).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, 1050));
    await (await chart('AAPL')).text();
    expect(replay.stats.maxPerSecond).toBe(5);
    replay.reset();
    expect(replay.stats).toMatchObject({ total: 0, bySymbol: {}, maxPerSecond: 0, requests: [] });
  });
});

describe('CLI', () => {
  it('prints its URL and serves until stopped', async () => {
    const child = spawn(
      path.join(ROOT, 'node_modules/.bin/tsx'),
      ['scripts/replay-server.ts', '--port', '0', '--synthetic', '--latency', '10'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const lines = createInterface({ input: child.stdout! });
      const url = await new Promise<string>((resolve, reject) => {
        lines.once('line', resolve);
        child.once('exit', (code) => reject(new Error(`replay CLI exited with ${code}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${url}/v8/finance/chart/AMZN?period1=1772409600&period2=1773446400`);
      expect(res.status).toBe(200);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
