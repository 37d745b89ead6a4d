/**
 * A stand-in for Yahoo's chart API v8 on 127.0.0.1, so the real client is tested over real HTTP.
 * It answers `GET /v8/finance/chart/{symbol}` from the recordings in
 * test/fixtures/yahoo-chart/ (both recording formats), can make up plausible daily bars for
 * any other symbol, injects faults on demand (latency, 429 + Retry-After, 5xx, hangs, resets,
 * truncated bodies) and counts what it was asked, so tests check retries and rate limits from
 * the provider's side of the wire.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { servedHistoryBody, type ChartResult } from './served-history';

const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');
const DAY_MS = 86_400_000;
/** Requests kept in `stats.requests` (the oldest are dropped), so a long demo stays small. */
const MAX_LOG = 10_000;
const DROPPED_HEADERS = new Set([
  'content-length',
  'content-encoding',
  'connection',
  'transfer-encoding',
]);
const JSON_TYPE = 'application/json;charset=utf-8';
const NOT_FOUND_BODY = JSON.stringify({
  chart: {
    result: null,
    error: { code: 'Not Found', description: 'No data found, symbol may be delisted' },
  },
});

/** The fixtures the server reads: YAHOO_FIXTURES_DIR, else the repository's test/fixtures/yahoo-chart. */
export function defaultFixturesDir(): string {
  return process.env.YAHOO_FIXTURES_DIR ?? path.resolve(PROJECT_ROOT, 'test/fixtures/yahoo-chart');
}

export type FaultAction = 'ok' | 'hang' | 'reset' | 'malformed';

/**
 * What to do with one request. A string is the action alone. In the object form, `status`
 * answers with that status instead of the data (429 with a plain-text body like Yahoo's, 5xx
 * with a JSON error), `retryAfter` (seconds) adds a Retry-After header, `latencyMs` delays the
 * answer on top of the base latency.
 *
 * - hang: never answers; the client's timeout is what ends it.
 * - reset: destroys the socket with a TCP RST before any byte of the answer.
 * - malformed: 200 with the real body cut in half (invalid JSON).
 */
export type Fault =
  | FaultAction
  | {
      action?: FaultAction;
      status?: number;
      retryAfter?: number;
      latencyMs?: number;
      body?: string;
    };

/** A Fault applies to every request; an array is a queue, one entry per request, then normal. */
export type FaultRule = Fault | Fault[];

export interface FaultPlan {
  /** Base latency of every answer in ms (replaces the option given at start). */
  latencyMs?: number;
  /** For any symbol whose own rule is absent or used up. null removes it. */
  global?: FaultRule | null;
  /** By symbol (case-insensitive); takes precedence over `global`. null removes one. */
  symbols?: Record<string, FaultRule | null>;
}

export interface ReplayServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  fixturesDir?: string;
  /**
   * Make up daily bars for symbols without a recording instead of answering 404. Recordings
   * are still served when they overlap the asked period (the recorded unknown symbol, SI,
   * always is), so recorded tests and a demo on today's dates both work.
   */
  synthetic?: boolean;
  /** Symbols answered 404 even in synthetic mode. */
  unknownSymbols?: string[];
  /** Base latency of every answer in ms. */
  latencyMs?: number;
  /** Clock for synthetic data (no bar after it); default Date.now. */
  now?: () => number;
}

export interface ReplayRequest {
  symbol: string;
  /** Epoch ms when the request's headers arrived. */
  at: number;
  /** What was done: 'ok', 'hang', 'reset', 'malformed', or the injected status. */
  outcome: string;
}

export interface ReplayStats {
  total: number;
  bySymbol: Record<string, number>;
  /** Most requests started within any sliding window of 1000 ms. */
  maxPerSecond: number;
  /** Most requests being answered at once. */
  maxInFlight: number;
  /** The last 10,000 requests, oldest first. */
  requests: ReplayRequest[];
}

export interface ReplayServer {
  url: string;
  port: number;
  /** Symbols that have a recording. */
  recordings: string[];
  /** A snapshot of the counters. */
  readonly stats: ReplayStats;
  /** Merges `plan` into the current faults, or sets one symbol's rule ('*' = global). */
  setFaults(plan: FaultPlan): void;
  setFaults(symbol: string, rule: FaultRule | null): void;
  /** Serves `chart` for `symbol` instead of its recording (null: the recording again). */
  setHistory(symbol: string, chart: ChartResult | null): void;
  /** Clears faults and counters; the base latency returns to the option's. */
  reset(): void;
  close(): Promise<void>;
}

interface Recording {
  file: string;
  symbol: string;
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Recorded period1..period2 in unix seconds, when the URL had them. */
  period?: { from: number; to: number };
}

const recordingSchemaHint =
  'expected { request: { url }, response: { status, headers, body | bodyJson } }';

function loadRecording(dir: string, file: string): Recording {
  const raw = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as {
    request?: { url?: string };
    response?: {
      status?: number;
      headers?: Record<string, string | string[]>;
      body?: string;
      bodyJson?: unknown;
    };
  };
  const response = raw.response;
  if (!response || typeof response.status !== 'number') {
    throw new Error(`recording ${file} is not a chart recording: ${recordingSchemaHint}`);
  }
  let symbol: string | undefined;
  let period: Recording['period'];
  if (raw.request?.url) {
    const url = new URL(raw.request.url);
    const match = /\/v8\/finance\/chart\/([^/]+)$/.exec(url.pathname);
    if (match?.[1]) symbol = decodeURIComponent(match[1]).toUpperCase();
    const from = Number(url.searchParams.get('period1'));
    const to = Number(url.searchParams.get('period2'));
    if (from > 0 && to > 0) period = { from, to };
  }
  // Fall back to the file name: chart-AAPL-2020-..., historical-via-chart-SI-2020-...
  symbol ??= /^(?:historical-via-)?chart-(.+?)-(?:[a-z]+-)*\d{4}-\d{2}-\d{2}/
    .exec(file)?.[1]
    ?.toUpperCase();
  if (!symbol) throw new Error(`recording ${file}: cannot tell its symbol from its URL or name`);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers ?? {})) {
    if (DROPPED_HEADERS.has(name.toLowerCase())) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  const body =
    response.bodyJson !== undefined ? JSON.stringify(response.bodyJson) : (response.body ?? '');
  return { file, symbol, status: response.status, headers, body, ...(period && { period }) };
}

function loadRecordings(dir: string): Recording[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => loadRecording(dir, f));
}

/** FNV-1a: a stable 32-bit hash, so synthetic prices depend only on (symbol, date). */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const unit = (text: string) => hash(text) / 0x1_0000_0000;
const round = (n: number, places = 2) => Math.round(n * 10 ** places) / 10 ** places;

const nyHour = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  hour: 'numeric',
  hourCycle: 'h23',
});

/** 09:30 in New York on the UTC date of `dayMs`, in epoch ms (13:30Z in EDT, 14:30Z in EST). */
function newYorkOpen(dayMs: number): number {
  const edt = dayMs + 13.5 * 3_600_000;
  return Number(nyHour.format(edt)) === 9 ? edt : edt + 3_600_000;
}

/**
 * Plausible daily bars for any symbol, the same on every call: weekdays only (no holidays), a
 * price that wanders around a per-symbol level, stamped at the New York open like Yahoo's.
 */
export function syntheticChart(
  symbol: string,
  period1: number,
  period2: number,
  nowMs: number,
): unknown {
  const level = 20 + unit(`${symbol}:level`) * 480;
  const phase = unit(`${symbol}:phase`) * 2 * Math.PI;
  const closeOn = (day: number) =>
    level *
    (1 +
      0.15 * Math.sin(day / 23 + phase) +
      0.05 * Math.sin(day / 7.3 + 2 * phase) +
      0.01 * (unit(`${symbol}:${day}`) * 2 - 1));
  const timestamp: number[] = [];
  const quote = {
    open: [] as number[],
    high: [] as number[],
    low: [] as number[],
    close: [] as number[],
    volume: [] as number[],
  };
  const first = Math.floor((period1 * 1000) / DAY_MS) - 1;
  const last = Math.ceil((period2 * 1000) / DAY_MS);
  for (let day = first; day <= last; day++) {
    const weekday = new Date(day * DAY_MS).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    const open = newYorkOpen(day * DAY_MS);
    if (open < period1 * 1000 || open >= period2 * 1000 || open > nowMs) continue;
    const close = closeOn(day);
    const openPrice = closeOn(day - 1) * (1 + 0.004 * (unit(`${symbol}:o${day}`) * 2 - 1));
    const spread = 0.006 * unit(`${symbol}:s${day}`);
    timestamp.push(open / 1000);
    quote.open.push(round(openPrice));
    quote.close.push(round(close));
    quote.high.push(round(Math.max(openPrice, close) * (1 + spread)));
    quote.low.push(round(Math.min(openPrice, close) * (1 - spread)));
    quote.volume.push(Math.round(1e6 + unit(`${symbol}:v${day}`) * 4e7));
  }
  const lastTs = timestamp.at(-1) ?? period2;
  // The open is 13:30Z under EDT and 14:30Z under EST.
  const offset = new Date(lastTs * 1000).getUTCHours() === 13 ? -14400 : -18000;
  const empty = timestamp.length === 0;
  return {
    chart: {
      result: [
        {
          meta: {
            currency: 'USD',
            symbol,
            exchangeName: 'NMS',
            fullExchangeName: 'NasdaqGS',
            instrumentType: 'EQUITY',
            firstTradeDate: 946909800,
            regularMarketTime: lastTs,
            hasPrePostMarketData: true,
            gmtoffset: offset,
            timezone: offset === -14400 ? 'EDT' : 'EST',
            exchangeTimezoneName: 'America/New_York',
            regularMarketPrice: quote.close.at(-1) ?? round(level),
            chartPreviousClose: quote.close[0] ?? round(level),
            priceHint: 2,
            dataGranularity: '1d',
            range: '',
          },
          ...(empty ? {} : { timestamp }),
          indicators: empty
            ? { quote: [{}], adjclose: [{}] }
            : { quote: [quote], adjclose: [{ adjclose: [...quote.close] }] },
        },
      ],
      error: null,
    },
  };
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Starts the server; resolves once it listens. */
export async function startReplayServer(options: ReplayServerOptions = {}): Promise<ReplayServer> {
  const dir = options.fixturesDir ?? defaultFixturesDir();
  let recordings: Recording[] = [];
  if (existsSync(dir)) recordings = loadRecordings(dir);
  else if (!options.synthetic) {
    throw new Error(
      `Yahoo recordings not found at ${dir}: set YAHOO_FIXTURES_DIR, or start with synthetic: true`,
    );
  }
  const bySymbol = new Map<string, Recording[]>();
  for (const r of recordings) bySymbol.set(r.symbol, [...(bySymbol.get(r.symbol) ?? []), r]);
  const unknown = new Set((options.unknownSymbols ?? []).map((s) => s.toUpperCase()));
  const now = options.now ?? Date.now;

  let baseLatency = options.latencyMs ?? 0;
  let globalRule: FaultRule | null = null;
  const symbolRules = new Map<string, FaultRule>();
  const histories = new Map<string, ChartResult>();

  let total = 0;
  let counts: Record<string, number> = {};
  let log: ReplayRequest[] = [];
  let window: number[] = [];
  let maxPerSecond = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let closed = false;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  /** Takes the next fault: the symbol's queue or standing rule first, then the global one. */
  const nextFault = (symbol: string): Fault => {
    const take = (rule: FaultRule | null | undefined, remove: () => void): Fault | null => {
      if (rule === null || rule === undefined) return null;
      if (!Array.isArray(rule)) return rule;
      const fault = rule.shift();
      if (rule.length === 0) remove();
      return fault ?? null;
    };
    return (
      take(symbolRules.get(symbol), () => symbolRules.delete(symbol)) ??
      take(globalRule, () => (globalRule = null)) ??
      'ok'
    );
  };

  /** The recording to serve for this request, if any (see `synthetic`). */
  const recordingFor = (symbol: string, period1: number, period2: number) => {
    const candidates = bySymbol.get(symbol) ?? [];
    const overlap = (r: Recording) =>
      r.period ? Math.min(r.period.to, period2) - Math.max(r.period.from, period1) : 0;
    const best = [...candidates].sort((a, b) => overlap(b) - overlap(a))[0];
    if (!best) return undefined;
    if (!options.synthetic || best.status === 404 || overlap(best) > 0) return best;
    return undefined;
  };

  const dataAnswer = (symbol: string, url: URL): Answer => {
    const nowMs = now();
    const period2 = Number(url.searchParams.get('period2')) || Math.floor(nowMs / 1000);
    // period1=0 is Yahoo's "from the first trade on", not a missing parameter.
    const asked = url.searchParams.get('period1');
    const period1 = asked !== null && asked !== '' ? Number(asked) : period2 - 30 * 86_400;
    const history = histories.get(symbol);
    if (history) {
      const body = servedHistoryBody(history, period1, period2);
      return { status: 200, headers: { 'content-type': JSON_TYPE }, body };
    }
    const recording = unknown.has(symbol) ? undefined : recordingFor(symbol, period1, period2);
    if (recording) {
      return { status: recording.status, headers: recording.headers, body: recording.body };
    }
    if (options.synthetic && !unknown.has(symbol)) {
      return {
        status: 200,
        headers: { 'content-type': JSON_TYPE },
        body: JSON.stringify(syntheticChart(symbol, period1, period2, nowMs)),
      };
    }
    return { status: 404, headers: { 'content-type': JSON_TYPE }, body: NOT_FOUND_BODY };
  };

  const send = (res: ServerResponse, answer: Answer) => {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(answer.status, {
      ...answer.headers,
      'content-length': String(Buffer.byteLength(answer.body)),
    });
    res.end(answer.body);
  };

  const later = (ms: number, fn: () => void) => {
    if (ms <= 0) return fn();
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://replay.local');
    const match = /^\/v8\/finance\/chart\/([^/]+)\/?$/.exec(url.pathname);
    if (req.method !== 'GET' || !match?.[1]) {
      send(res, {
        status: req.method === 'GET' ? 404 : 405,
        headers: { 'content-type': JSON_TYPE },
        body: JSON.stringify({
          finance: {
            result: null,
            error: { code: 'Not Found', description: `No route for ${req.method} ${url.pathname}` },
          },
        }),
      });
      return;
    }
    const symbol = decodeURIComponent(match[1]).toUpperCase();

    // Counters first: a request counts when it arrives, whatever is then done with it.
    const t = performance.now();
    window.push(t);
    while (window.length > 0 && window[0]! <= t - 1000) window.shift();
    maxPerSecond = Math.max(maxPerSecond, window.length);
    total++;
    counts[symbol] = (counts[symbol] ?? 0) + 1;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.once('close', () => inFlight--);

    const fault = nextFault(symbol);
    const spec = typeof fault === 'string' ? { action: fault } : fault;
    const action = spec.action ?? 'ok';
    const entry: ReplayRequest = {
      symbol,
      at: Date.now(),
      outcome: spec.status !== undefined ? String(spec.status) : action,
    };
    log.push(entry);
    if (log.length > MAX_LOG) log.splice(0, log.length - MAX_LOG);

    later(baseLatency + (spec.latencyMs ?? 0), () => {
      if (closed || res.destroyed) return;
      if (spec.status !== undefined) {
        const headers: Record<string, string> = {};
        if (spec.retryAfter !== undefined) headers['retry-after'] = String(spec.retryAfter);
        if (spec.status === 429) {
          headers['content-type'] = 'text/plain;charset=utf-8';
          send(res, { status: 429, headers, body: spec.body ?? 'Too Many Requests\r\n' });
        } else {
          headers['content-type'] = JSON_TYPE;
          const body =
            spec.body ??
            JSON.stringify({
              finance: {
                result: null,
                error: { code: 'Internal Server Error', description: `injected ${spec.status}` },
              },
            });
          send(res, { status: spec.status, headers, body });
        }
        return;
      }
      switch (action) {
        case 'hang':
          return;
        case 'reset':
          req.socket.resetAndDestroy();
          return;
        case 'malformed': {
          let answer = dataAnswer(symbol, url);
          if (answer.status !== 200) {
            answer = {
              status: 200,
              headers: { 'content-type': JSON_TYPE },
              body: JSON.stringify(
                syntheticChart(
                  symbol,
                  Math.floor(now() / 1000) - 30 * 86_400,
                  Math.floor(now() / 1000),
                  now(),
                ),
              ),
            };
          }
          send(res, { ...answer, body: answer.body.slice(0, Math.floor(answer.body.length / 2)) });
          return;
        }
        case 'ok':
          send(res, dataAnswer(symbol, url));
          return;
      }
    });
  };

  const server = createServer(handle);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.address.includes(':') ? `[${address.address}]` : address.address;

  const setRule = (symbol: string, rule: FaultRule | null) => {
    const copy = Array.isArray(rule) ? [...rule] : rule;
    if (symbol === '*') globalRule = copy;
    else if (copy === null || (Array.isArray(copy) && copy.length === 0)) {
      symbolRules.delete(symbol.toUpperCase());
    } else symbolRules.set(symbol.toUpperCase(), copy);
  };

  function setFaults(plan: FaultPlan): void;
  function setFaults(symbol: string, rule: FaultRule | null): void;
  function setFaults(planOrSymbol: FaultPlan | string, rule?: FaultRule | null): void {
    if (typeof planOrSymbol === 'string') return setRule(planOrSymbol, rule ?? null);
    if (planOrSymbol.latencyMs !== undefined) baseLatency = planOrSymbol.latencyMs;
    if (planOrSymbol.global !== undefined) setRule('*', planOrSymbol.global);
    for (const [symbol, r] of Object.entries(planOrSymbol.symbols ?? {})) setRule(symbol, r);
  }

  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    recordings: [...bySymbol.keys()],
    get stats(): ReplayStats {
      return {
        total,
        bySymbol: { ...counts },
        maxPerSecond,
        maxInFlight,
        requests: log.map((r) => ({ ...r })),
      };
    },
    setFaults,
    setHistory(symbol, chart) {
      if (chart) histories.set(symbol.toUpperCase(), chart);
      else histories.delete(symbol.toUpperCase());
    },
    reset() {
      histories.clear();
      baseLatency = options.latencyMs ?? 0;
      globalRule = null;
      symbolRules.clear();
      total = 0;
      counts = {};
      log = [];
      window = [];
      maxPerSecond = 0;
      maxInFlight = inFlight;
    },
    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await done;
    },
  };
}
