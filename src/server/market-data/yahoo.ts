/**
 * Our own client of Yahoo's chart API v8 (`/v8/finance/chart/{symbol}`): one GET per symbol and
 * range, the answer validated with zod and normalised to CONTRACT.md section 6.
 */
import { z } from 'zod';
import type { Config } from '../../config';
import {
  ProviderError,
  type DailyBar,
  type DailyHistory,
  type Dividend,
  type MarketDataProvider,
  type Split,
} from './provider';

const DAY_S = 86_400;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

const value = z.number().nullable();
const series = z.array(value).optional();

const chartErrorSchema = z.object({
  code: z.string(),
  description: z.string().nullable().optional(),
});

const chartResultSchema = z.object({
  meta: z.object({
    symbol: z.string().optional(),
    /** Not Yahoo's: the replay server's mark on made-up bars. */
    source: z.string().nullable().optional(),
    currency: z.string().nullable().optional(),
    exchangeTimezoneName: z.string().nullable().optional(),
    gmtoffset: z.number().nullable().optional(),
  }),
  /** Absent when the range holds no trading day. */
  timestamp: z.array(z.number()).optional(),
  indicators: z.object({
    quote: z.array(
      z.object({ open: series, high: series, low: series, close: series, volume: series }),
    ),
    adjclose: z.array(z.object({ adjclose: series })).optional(),
  }),
  events: z
    .object({
      dividends: z
        .record(z.string(), z.object({ amount: z.number(), date: z.number() }))
        .optional(),
      splits: z
        .record(
          z.string(),
          z.object({ date: z.number(), numerator: z.number(), denominator: z.number() }),
        )
        .optional(),
    })
    .optional(),
});

const chartSchema = z.object({
  chart: z.object({
    result: z.array(chartResultSchema).nullable().optional(),
    error: chartErrorSchema.nullable().optional(),
  }),
});

/** Just the error part, for 4xx bodies (their result is null). */
const chartErrorBodySchema = z.object({
  chart: z.object({ error: chartErrorSchema.nullable().optional() }),
});

type ChartResult = z.infer<typeof chartResultSchema>;

/**
 * period1/period2 (unix seconds, period2 exclusive) asked for the dates `start`..`end`.
 *
 * A daily bar is stamped with its session's open (or, for FX and some funds, local midnight) and
 * its trading date is that instant's date in the exchange's zone. `start 00:00 UTC` to
 * `end+1 00:00 UTC` covers every exchange west of Greenwich (New York opens 13:30Z/14:30Z the
 * same UTC day), but not those whose day begins before UTC midnight: Sydney in summer opens at
 * 23:00Z the day before, Auckland at 21:00Z, London FX bars sit at 23:00Z in BST. So one day is
 * added on each side, and the bars are then kept by trading date within [start, end]; the
 * extra bars cost a few bytes and never reach the record.
 */
export function chartPeriod(start: string, end: string): { period1: number; period2: number } {
  return {
    period1: Date.parse(`${start}T00:00:00Z`) / 1000 - DAY_S,
    period2: Date.parse(`${end}T00:00:00Z`) / 1000 + 2 * DAY_S,
  };
}

/** Retry-After as seconds or as an HTTP date, in ms; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header.trim());
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** `YYYY-MM-DD` of `unixSeconds` in `timeZone` (en-CA formats dates that way). */
function zonedDate(unixSeconds: number, timeZone: string): string {
  let format = dateFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    dateFormats.set(timeZone, format);
  }
  return format.format(new Date(unixSeconds * 1000));
}

function validTimeZone(zone: string): boolean {
  try {
    zonedDate(0, zone);
    return true;
  } catch {
    return false;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * A price as the provider meant it. Yahoo encodes prices as float32, so a recorded 127.58
 * arrives as 127.58000183105469; float32 carries about 7 significant decimal digits, so
 * rounding to 7 gives back the quoted value (13.05325 stays). Volumes are integers and kept.
 */
export function roundPrice(value: number): number {
  return Number(value.toPrecision(7));
}

const price = (value: number | null | undefined) =>
  value === null || value === undefined ? null : roundPrice(value);

function malformed(detail: string): ProviderError {
  return new ProviderError('malformed', `malformed provider response: ${detail}`);
}

/**
 * Turns one chart result into the record's fields: trading dates in the exchange's zone, days
 * with every value null dropped, days outside [start, end] dropped. When a date appears twice
 * (Yahoo repeats the live day while its session is open) the later timestamp wins.
 */
export function normaliseChart(
  symbol: string,
  result: ChartResult,
  start: string,
  end: string,
): DailyHistory {
  const zone = result.meta.exchangeTimezoneName ?? null;
  const offset = result.meta.gmtoffset ?? null;
  let dateOf: (ts: number) => string;
  if (zone !== null && validTimeZone(zone)) {
    dateOf = (ts) => zonedDate(ts, zone);
  } else if (offset !== null) {
    dateOf = (ts) => new Date((ts + offset) * 1000).toISOString().slice(0, 10);
  } else {
    throw malformed(`meta has no usable exchangeTimezoneName (got ${JSON.stringify(zone)})`);
  }

  const timestamps = result.timestamp ?? [];
  const quote = result.indicators.quote[0] ?? {};
  const adjclose = result.indicators.adjclose?.[0]?.adjclose;
  const columns = { ...quote, adjclose };
  for (const [name, column] of Object.entries(columns)) {
    if (column !== undefined && column.length !== timestamps.length) {
      throw malformed(`${name} has ${column.length} values for ${timestamps.length} timestamps`);
    }
  }

  const inRange = (date: string) => date >= start && date <= end;
  const byDate = new Map<string, DailyBar>();
  timestamps.forEach((ts, i) => {
    const date = dateOf(ts);
    if (!inRange(date)) return;
    const bar: DailyBar = {
      date,
      open: price(quote.open?.[i]),
      high: price(quote.high?.[i]),
      low: price(quote.low?.[i]),
      close: price(quote.close?.[i]),
      adj_close: price(adjclose?.[i]),
      volume: quote.volume?.[i] ?? null,
    };
    const empty = Object.entries(bar).every(([k, v]) => k === 'date' || v === null);
    if (!empty) byDate.set(date, bar);
  });
  const bars = [...byDate.values()].sort((a, b) => a.date.localeCompare(b.date));

  const dividends: Dividend[] = Object.values(result.events?.dividends ?? {})
    .map((d) => ({ date: dateOf(d.date), amount: roundPrice(d.amount) }))
    .filter((d) => inRange(d.date))
    .sort((a, b) => a.date.localeCompare(b.date));
  const splits: Split[] = Object.values(result.events?.splits ?? {})
    .map((s) => ({ date: dateOf(s.date), numerator: s.numerator, denominator: s.denominator }))
    .filter((s) => inRange(s.date))
    .sort((a, b) => a.date.localeCompare(b.date));

  return {
    symbol,
    ...(result.meta.source === 'synthetic' && { source: 'synthetic' as const }),
    currency: result.meta.currency ?? null,
    exchange_timezone: zone,
    bars,
    dividends,
    splits,
  };
}

function networkDetail(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const message = typeof cause?.message === 'string' ? cause.message : (error as Error).message;
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return `connection reset (${message})`;
  if (code === 'ECONNREFUSED') return `connection refused (${message})`;
  return code ? `${message} (${code})` : message;
}

export interface YahooProviderOptions {
  /** Scheme and host, e.g. https://query2.finance.yahoo.com or a replay server's URL. */
  baseUrl: string;
  /** Whole request, headers and body, must finish within this. */
  timeoutMs: number;
  userAgent?: string;
}

export class YahooProvider implements MarketDataProvider {
  readonly name = 'yahoo';
  private readonly baseUrl: string;

  constructor(private readonly opts: YahooProviderOptions) {
    let url: URL;
    try {
      url = new URL(opts.baseUrl);
    } catch {
      throw new Error(`Yahoo base URL "${opts.baseUrl}" is not a URL (set YAHOO_BASE_URL)`);
    }
    this.baseUrl = url.href.replace(/\/+$/, '');
    if (!(opts.timeoutMs > 0))
      throw new Error(`Yahoo timeout must be positive, got ${opts.timeoutMs}`);
  }

  chartUrl(symbol: string, start: string, end: string): string {
    const { period1, period2 } = chartPeriod(start, end);
    return `${this.baseUrl}/v8/finance/chart/${encodeURIComponent(symbol)}?period1=${period1}&period2=${period2}&interval=1d&events=div,split`;
  }

  async dailyHistory(
    symbol: string,
    start: string,
    end: string,
    signal?: AbortSignal,
  ): Promise<DailyHistory> {
    if (!DATE_PATTERN.test(start) || !DATE_PATTERN.test(end) || start > end) {
      throw new Error(`dailyHistory needs start <= end as YYYY-MM-DD, got ${start}..${end}`);
    }
    signal?.throwIfAborted();
    // The timeout covers the body too: a server that sends headers and then stalls is a timeout.
    const timeout = AbortSignal.timeout(this.opts.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let status: number;
    let statusText: string;
    let retryAfter: string | null;
    let text: string;
    try {
      const res = await fetch(this.chartUrl(symbol, start, end), {
        signal: combined,
        headers: {
          accept: 'application/json',
          'user-agent': this.opts.userAgent ?? 'Mozilla/5.0 (compatible; stock-scheduler/0.1)',
        },
      });
      status = res.status;
      statusText = res.statusText;
      retryAfter = res.headers.get('retry-after');
      text = await res.text();
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (timeout.aborted) {
        throw new ProviderError(
          'timeout',
          `provider timeout: no complete answer within ${this.opts.timeoutMs} ms`,
          { cause: error },
        );
      }
      throw new ProviderError('network', networkDetail(error), { cause: error });
    }

    const http = `HTTP ${status}${statusText ? ` ${statusText}` : ''}`;
    if (status === 429) {
      throw new ProviderError('rate_limited', `rate-limited by the provider (${http})`, {
        status,
        retryAfterMs: parseRetryAfter(retryAfter),
      });
    }
    if (status >= 500) {
      throw new ProviderError('server_error', `provider error ${status}`, {
        status,
        retryAfterMs: parseRetryAfter(retryAfter),
      });
    }

    if (status === 404 || status === 400) {
      const parsed = chartErrorBodySchema.safeParse(parseJson(text));
      const error = parsed.success ? parsed.data.chart.error : null;
      const said = error ? (error.description ?? error.code) : http;
      if (status === 404) {
        throw new ProviderError('unknown_symbol', `unknown symbol (provider said: ${said})`, {
          status,
        });
      }
      throw new ProviderError('no_data', `no data in range (provider said: ${said})`, { status });
    }
    if (status < 200 || status >= 300) {
      // 401/403 (Yahoo's crumb and consent walls) and other refusals: asking again won't help.
      throw new ProviderError('server_error', `provider refused the request (${http})`, {
        status,
        retryable: false,
      });
    }

    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw malformed(`not JSON (${http}, ${text.length} bytes: ${(error as Error).message})`);
    }
    const parsed = chartSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'body';
      throw malformed(`${where}: ${issue?.message ?? 'unexpected shape'}`);
    }
    const { result, error } = parsed.data.chart;
    if (error) {
      const said = error.description ?? error.code;
      if (error.code === 'Not Found') {
        throw new ProviderError('unknown_symbol', `unknown symbol (provider said: ${said})`);
      }
      throw new ProviderError('no_data', `no data in range (provider said: ${said})`);
    }
    const first = result?.[0];
    if (!first) throw malformed('chart.result is empty and chart.error is null');
    return normaliseChart(symbol, first, start, end);
  }
}

/** The provider the service uses: Yahoo at YAHOO_BASE_URL (a replay server in tests). */
export function createProvider(
  config: Pick<Config, 'YAHOO_BASE_URL' | 'PROVIDER_TIMEOUT_MS'>,
): MarketDataProvider {
  return new YahooProvider({
    baseUrl: config.YAHOO_BASE_URL,
    timeoutMs: config.PROVIDER_TIMEOUT_MS,
  });
}
