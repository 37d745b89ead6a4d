import { z } from 'zod';
import type { Config } from '../../config';
import { addDays, zonedDateString } from '../scheduler/schedule';
import {
  ProviderError,
  type DailyBar,
  type DailyHistory,
  type MarketDataProvider,
} from './provider';

const num = z.number().nullable().optional();
const chartSchema = z.object({
  chart: z.object({
    result: z
      .array(
        z.object({
          meta: z.object({
            symbol: z.string().optional(),
            currency: z.string().nullable().optional(),
            exchangeTimezoneName: z.string().optional(),
          }),
          timestamp: z.array(z.number()).optional(),
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
          indicators: z.object({
            quote: z.array(
              z.object({
                open: z.array(num).optional(),
                high: z.array(num).optional(),
                low: z.array(num).optional(),
                close: z.array(num).optional(),
                volume: z.array(num).optional(),
              }),
            ),
            adjclose: z.array(z.object({ adjclose: z.array(num).optional() })).optional(),
          }),
        }),
      )
      .nullable(),
    error: z.object({ code: z.string(), description: z.string().optional() }).nullable().optional(),
  }),
});

const errorSchema = z.object({
  chart: z.object({
    error: z.object({ code: z.string(), description: z.string().optional() }).nullable(),
  }),
});

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/**
 * Our own client of Yahoo's chart API v8. The range asked is widened by a day on each side
 * (exchanges from UTC-10 to UTC+14 put a trading day's open on either side of UTC midnight),
 * then bars are kept by their trading date in the exchange's zone, within [start, end].
 */
export class YahooProvider implements MarketDataProvider {
  readonly name = 'yahoo';

  constructor(private readonly opts: { baseUrl: string; timeoutMs: number }) {}

  async dailyHistory(
    symbol: string,
    start: string,
    end: string,
    signal?: AbortSignal,
  ): Promise<DailyHistory> {
    const period1 = Date.parse(`${addDays(start, -1)}T00:00:00Z`) / 1000;
    const period2 = Date.parse(`${addDays(end, 2)}T00:00:00Z`) / 1000;
    const url = `${this.opts.baseUrl.replace(/\/$/, '')}/v8/finance/chart/${encodeURIComponent(symbol)}?period1=${period1}&period2=${period2}&interval=1d&events=div%2Csplit`;
    const timeout = AbortSignal.timeout(this.opts.timeoutMs);
    let res: Response;
    let text: string;
    try {
      res = await fetch(url, {
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        headers: { accept: 'application/json' },
      });
      text = await res.text();
    } catch (error) {
      if (timeout.aborted)
        throw new ProviderError('timeout', `provider timeout after ${this.opts.timeoutMs} ms`);
      if (signal?.aborted) throw error;
      const cause = (error as { cause?: { code?: string } }).cause;
      throw new ProviderError(
        'network',
        `provider connection failed (${cause?.code ?? (error as Error).message})`,
      );
    }
    if (res.status === 429) {
      throw new ProviderError(
        'rate_limited',
        'rate-limited by the provider (429)',
        retryAfterMs(res.headers.get('retry-after')),
        429,
      );
    }
    if (res.status >= 500) {
      throw new ProviderError(
        'server_error',
        `provider error ${res.status}`,
        retryAfterMs(res.headers.get('retry-after')),
        res.status,
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new ProviderError(
        'malformed',
        `malformed provider response: not JSON (HTTP ${res.status}, ${text.length} bytes)`,
      );
    }
    if (res.status === 404 || res.status === 400 || !res.ok) {
      const parsed = errorSchema.safeParse(body);
      const said =
        parsed.success && parsed.data.chart.error
          ? (parsed.data.chart.error.description ?? parsed.data.chart.error.code)
          : `HTTP ${res.status}`;
      if (res.status === 404)
        throw new ProviderError(
          'unknown_symbol',
          `unknown symbol (provider said: ${said})`,
          undefined,
          404,
        );
      if (res.status === 400)
        throw new ProviderError(
          'no_data',
          `no data in range (provider said: ${said})`,
          undefined,
          400,
        );
      throw new ProviderError(
        'malformed',
        `unexpected provider answer HTTP ${res.status}: ${said}`,
        undefined,
        res.status,
      );
    }
    const parsed = chartSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ProviderError(
        'malformed',
        `malformed provider response: ${issue?.path.join('.')}: ${issue?.message}`,
      );
    }
    const result = parsed.data.chart.result?.[0];
    if (!result) {
      const said = parsed.data.chart.error?.description ?? 'no result';
      throw new ProviderError('no_data', `no data in range (provider said: ${said})`);
    }
    return normalise(symbol, result, start, end);
  }
}

type ChartResult = NonNullable<z.infer<typeof chartSchema>['chart']['result']>[number];

function normalise(symbol: string, r: ChartResult, start: string, end: string): DailyHistory {
  const zone = r.meta.exchangeTimezoneName ?? 'UTC';
  const quote = r.indicators.quote[0] ?? {};
  const adj = r.indicators.adjclose?.[0]?.adjclose;
  const inRange = (date: string) => date >= start && date <= end;
  const bars: DailyBar[] = [];
  (r.timestamp ?? []).forEach((ts, i) => {
    const date = zonedDateString(new Date(ts * 1000), zone);
    const bar: DailyBar = {
      date,
      open: quote.open?.[i] ?? null,
      high: quote.high?.[i] ?? null,
      low: quote.low?.[i] ?? null,
      close: quote.close?.[i] ?? null,
      adj_close: adj?.[i] ?? null,
      volume: quote.volume?.[i] ?? null,
    };
    const empty = bar.open === null && bar.high === null && bar.low === null && bar.close === null;
    if (!empty && inRange(date)) bars.push(bar);
  });
  const dividends = Object.values(r.events?.dividends ?? {})
    .map((d) => ({ date: zonedDateString(new Date(d.date * 1000), zone), amount: d.amount }))
    .filter((d) => inRange(d.date))
    .sort((a, b) => a.date.localeCompare(b.date));
  const splits = Object.values(r.events?.splits ?? {})
    .map((s) => ({
      date: zonedDateString(new Date(s.date * 1000), zone),
      numerator: s.numerator,
      denominator: s.denominator,
    }))
    .filter((s) => inRange(s.date))
    .sort((a, b) => a.date.localeCompare(b.date));
  return {
    symbol,
    currency: r.meta.currency ?? null,
    exchange_timezone: zone,
    bars,
    dividends,
    splits,
  };
}

export function createProvider(
  config: Pick<Config, 'YAHOO_BASE_URL' | 'PROVIDER_TIMEOUT_MS'>,
): MarketDataProvider {
  return new YahooProvider({
    baseUrl: config.YAHOO_BASE_URL,
    timeoutMs: config.PROVIDER_TIMEOUT_MS,
  });
}
