/**
 * A stand-in for Yahoo's chart API v8 on 127.0.0.1, so the real client is tested over real HTTP.
 * It answers `GET /v8/finance/chart/{symbol}` from the recordings in
 * test/fixtures/yahoo-chart/ (recordings.ts), makes up labelled daily bars when asked to
 * (synthetic-chart.ts), injects faults on demand (latency, 429 + Retry-After, 5xx, hangs,
 * resets, truncated bodies) and counts what it was asked, so tests check retries and rate
 * limits from the provider's side of the wire.
 */
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { defaultFixturesDir, loadRecordings, type Recording } from './recordings';
import { servedHistoryBody, type ChartResult } from './served-history';
import { syntheticChart } from './synthetic-chart';

export { defaultFixturesDir } from './recordings';
export { syntheticChart };

/** Requests kept in `stats.requests` (the oldest are dropped), so a long demo stays small. */
const MAX_LOG = 10_000;
const JSON_TYPE = 'application/json;charset=utf-8';
const NOT_FOUND_BODY = JSON.stringify({
  chart: {
    result: null,
    error: { code: 'Not Found', description: 'No data found, symbol may be delisted' },
  },
});

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
   * Make up daily bars (labelled `"source": "synthetic"` in the meta) instead of answering 404
   * like Yahoo: `true` for any symbol, a list for those symbols and the recorded ones only (so
   * a typo such as APPL still fails), false (default) never. Recordings are still served when
   * they overlap the asked period (the recorded unknown symbol, SI, always is), so recorded
   * tests and a demo on today's dates both work.
   */
  synthetic?: boolean | readonly string[];
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
  const listed = Array.isArray(options.synthetic)
    ? new Set(options.synthetic.map((s) => s.toUpperCase()))
    : null;
  /** Whether bars may be made up for `symbol` (see `synthetic`). */
  const inventable = (symbol: string) =>
    !unknown.has(symbol) &&
    (options.synthetic === true ||
      (listed !== null && (listed.has(symbol) || bySymbol.has(symbol))));
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
    if (!inventable(symbol) || best.status === 404 || overlap(best) > 0) return best;
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
    if (inventable(symbol)) {
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
            const to = Math.floor(now() / 1000);
            const chart = syntheticChart(symbol, to - 30 * 86_400, to, now());
            answer = {
              status: 200,
              headers: { 'content-type': JSON_TYPE },
              body: JSON.stringify(chart),
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
