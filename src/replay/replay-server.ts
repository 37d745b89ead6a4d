/**
 * A stand-in for Yahoo's chart API on 127.0.0.1: it answers from the recorded responses in
 * ../shared/fixtures/yahoo-chart/ (both recording formats), makes up plausible bars for other
 * symbols when asked to, and injects faults (latency, 429, 5xx, hangs, resets, bad bodies).
 * It counts every request, so tests can check retries and the rate limit from the outside.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export type Fault =
  | 'ok'
  | { status: 429; retryAfter?: number }
  | { status: 500 | 502 | 503 }
  | 'hang'
  | 'reset'
  | 'malformed'
  | { latencyMs: number };

interface Recording {
  status: number;
  contentType: string;
  body: string;
}

export interface ReplayOptions {
  port?: number;
  fixturesDir?: string;
  /** Make up bars for symbols with no recording (else 404 like Yahoo's Not Found). */
  synthetic?: boolean;
  latencyMs?: number;
}

export interface ReplayStats {
  total: number;
  bySymbol: Record<string, number>;
  /** Most requests that arrived within any one wall-clock second. */
  maxPerSecond: number;
}

export interface ReplayServer {
  url: string;
  port: number;
  stats: ReplayStats;
  /** Faults served in order to the next requests for `symbol` ('*' for any symbol). */
  setFaults(symbol: string, faults: Fault[]): void;
  setLatency(ms: number): void;
  reset(): void;
  close(): Promise<void>;
}

export const DEFAULT_FIXTURES = path.resolve(
  import.meta.dirname,
  '../../../shared/fixtures/yahoo-chart',
);

function loadRecordings(dir: string): Map<string, Recording> {
  const out = new Map<string, Recording>();
  for (const file of readdirSync(dir)) {
    if (!file.endsWith('.json')) continue;
    const match = /^(?:chart|historical-via-chart)-(.+?)-\d{4}-\d{2}-\d{2}-to-/.exec(file);
    if (!match) continue;
    const rec = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as {
      response: {
        status: number;
        headers?: Record<string, string | string[]>;
        body?: string;
        bodyJson?: unknown;
      };
    };
    const header = rec.response.headers?.['content-type'];
    out.set(match[1]!.toUpperCase(), {
      status: rec.response.status,
      contentType: (Array.isArray(header) ? header[0] : header) ?? 'application/json;charset=utf-8',
      body:
        rec.response.bodyJson !== undefined
          ? JSON.stringify(rec.response.bodyJson)
          : (rec.response.body ?? ''),
    });
  }
  return out;
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Deterministic weekday bars for any symbol between period1 and period2. */
function syntheticChart(symbol: string, period1: number, period2: number): string {
  const timestamps: number[] = [];
  const open: number[] = [];
  const high: number[] = [];
  const low: number[] = [];
  const close: number[] = [];
  const volume: number[] = [];
  let price = 50 + (hash(symbol) % 400);
  const first = Math.floor(period1 / 86400) * 86400;
  for (let day = first; day < period2; day += 86400) {
    const weekday = new Date(day * 1000).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    const r = (hash(`${symbol}${day}`) % 1000) / 1000 - 0.5;
    const o = price;
    const c = Math.max(1, o * (1 + r * 0.04));
    timestamps.push(day + 14 * 3600 + 30 * 60);
    open.push(+o.toFixed(2));
    close.push(+c.toFixed(2));
    high.push(+(Math.max(o, c) * 1.01).toFixed(2));
    low.push(+(Math.min(o, c) * 0.99).toFixed(2));
    volume.push(1_000_000 + (hash(`v${symbol}${day}`) % 5_000_000));
    price = c;
  }
  return JSON.stringify({
    chart: {
      result: [
        {
          meta: { symbol, currency: 'USD', exchangeTimezoneName: 'America/New_York' },
          timestamp: timestamps,
          indicators: {
            quote: [{ open, high, low, close, volume }],
            adjclose: [{ adjclose: close }],
          },
        },
      ],
      error: null,
    },
  });
}

const NOT_FOUND = JSON.stringify({
  chart: {
    result: null,
    error: { code: 'Not Found', description: 'No data found, symbol may be delisted' },
  },
});

export async function startReplayServer(options: ReplayOptions = {}): Promise<ReplayServer> {
  const recordings = loadRecordings(
    options.fixturesDir ?? process.env.YAHOO_FIXTURES_DIR ?? DEFAULT_FIXTURES,
  );
  const faults = new Map<string, Fault[]>();
  let latencyMs = options.latencyMs ?? 0;
  const stats: ReplayStats = { total: 0, bySymbol: {}, maxPerSecond: 0 };
  const perSecond = new Map<number, number>();
  const hanging = new Set<() => void>();

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://replay');
    const match = /^\/v8\/finance\/chart\/([^/]+)$/.exec(url.pathname);
    if (!match) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no such path');
      return;
    }
    const symbol = decodeURIComponent(match[1]!).toUpperCase();
    stats.total++;
    stats.bySymbol[symbol] = (stats.bySymbol[symbol] ?? 0) + 1;
    const second = Math.floor(Date.now() / 1000);
    const count = (perSecond.get(second) ?? 0) + 1;
    perSecond.set(second, count);
    stats.maxPerSecond = Math.max(stats.maxPerSecond, count);

    const queue = faults.get(symbol) ?? faults.get('*');
    const fault = queue && queue.length > 0 ? queue.shift()! : 'ok';
    const extraLatency = typeof fault === 'object' && 'latencyMs' in fault ? fault.latencyMs : 0;

    const respond = () => {
      if (fault === 'hang') {
        const release = () => res.destroy();
        hanging.add(release);
        res.on('close', () => hanging.delete(release));
        return;
      }
      if (fault === 'reset') {
        req.socket.destroy();
        return;
      }
      if (fault === 'malformed') {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end('{"chart":{"result":[{"meta":');
        return;
      }
      if (typeof fault === 'object' && 'status' in fault) {
        const headers: Record<string, string> = { 'content-type': 'text/plain' };
        if (fault.status === 429 && fault.retryAfter !== undefined)
          headers['retry-after'] = String(fault.retryAfter);
        res
          .writeHead(fault.status, headers)
          .end(fault.status === 429 ? 'Too Many Requests' : 'Internal Server Error');
        return;
      }
      const recording = recordings.get(symbol);
      if (recording) {
        res
          .writeHead(recording.status, { 'content-type': recording.contentType })
          .end(recording.body);
      } else if (options.synthetic) {
        const period1 = Number(url.searchParams.get('period1') ?? 0);
        const period2 = Number(url.searchParams.get('period2') ?? Date.now() / 1000);
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(syntheticChart(symbol, period1, period2));
      } else {
        res.writeHead(404, { 'content-type': 'application/json' }).end(NOT_FOUND);
      }
    };
    const delay = latencyMs + extraLatency;
    if (delay > 0) setTimeout(respond, delay);
    else respond();
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stats,
    setFaults(symbol, list) {
      faults.set(symbol.toUpperCase(), [...list]);
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    reset() {
      faults.clear();
      perSecond.clear();
      stats.total = 0;
      stats.bySymbol = {};
      stats.maxPerSecond = 0;
    },
    async close() {
      for (const release of hanging) release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
