/** The output shapes of the series procedures (CONTRACT.md section 8), for tRPC and OpenAPI. */
import { z } from 'zod';
import { ADJUSTS, PRICES } from '../../market-data/series-params';
import { ISSUE_KINDS } from '../../market-data/series-quality';
import { barSchema as bar } from '../../market-data/stock-data-store';

export const barsOutput = z.object({
  symbol: z.string(),
  currency: z.string().nullable(),
  exchange_timezone: z.string().nullable(),
  calendar: z.string(),
  adjust: z.enum(ADJUSTS),
  start: z.string(),
  end: z.string(),
  bars: z.array(bar),
  dividends: z.array(z.object({ date: z.string(), amount: z.number() })),
  splits: z.array(z.object({ date: z.string(), numerator: z.number(), denominator: z.number() })),
  fetched_at: z.string().nullable(),
});

export const symbolsOutput = z.object({
  symbols: z.array(
    z.object({
      symbol: z.string(),
      calendar: z.string(),
      currency: z.string().nullable(),
      first_date: z.string().nullable(),
      last_date: z.string().nullable(),
      bars: z.number(),
      fetched_at: z.string().nullable(),
      fresh: z.boolean(),
      last_session: z.string().nullable(),
      missing_sessions: z.number(),
      jobs: z.array(z.string()),
    }),
  ),
  /** Symbols matching the filters, all pages together. */
  total: z.number(),
});

export const qualityOutput = z.object({
  symbol: z.string(),
  calendar: z.string(),
  gaps: z.array(z.object({ from: z.string(), to: z.string(), sessions: z.number() })),
  issues: z.array(z.object({ date: z.string(), kind: z.enum(ISSUE_KINDS), detail: z.string() })),
});

export const indicatorsOutput = z.object({
  symbol: z.string(),
  price: z.enum(PRICES),
  start: z.string(),
  end: z.string(),
  indicators: z.record(
    z.string(),
    z.array(z.object({ date: z.string(), value: z.number().nullable() })),
  ),
});
