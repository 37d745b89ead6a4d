/**
 * The parameters of the series reads (tRPC, REST and the CSV routes share them), each bad one
 * a 400 naming its field.
 */
import { z } from 'zod';
import { count } from '~/domain/count';
import { indicatorNamesParam } from '~/domain/indicators';
import { dateStringSchema, symbolSchema } from '~/domain/job-definition';

export const ADJUSTS = ['split', 'all'] as const;
export type Adjust = (typeof ADJUSTS)[number];
export const MAX_RANGE_YEARS = 50;
/** Symbols one export may name. */
export const MAX_EXPORT_SYMBOLS = 500;

const adjust = z
  .enum(ADJUSTS, { error: 'must be "split" (as the provider gives prices) or "all"' })
  .default('split');

function checkRange(
  value: { start?: string | undefined; end?: string | undefined },
  ctx: z.RefinementCtx,
) {
  const { start, end } = value;
  if (start === undefined || end === undefined) return;
  if (end < start) {
    ctx.addIssue({ code: 'custom', path: ['end'], message: 'must not be before start' });
    return;
  }
  const limit = `${Number(start.slice(0, 4)) + MAX_RANGE_YEARS}${start.slice(4)}`;
  if (end > limit) {
    ctx.addIssue({
      code: 'custom',
      path: ['end'],
      message: `must be at most ${MAX_RANGE_YEARS} years after start`,
    });
  }
}

export const barsInput = z
  .object({
    symbol: symbolSchema,
    start: dateStringSchema.optional(),
    end: dateStringSchema.optional(),
    adjust,
  })
  .superRefine(checkRange);
export type BarsInput = z.infer<typeof barsInput>;

export const PRICES = ['close', 'adj_close'] as const;
export type PriceField = (typeof PRICES)[number];

export const indicatorsInput = z
  .object({
    symbol: symbolSchema,
    names: indicatorNamesParam,
    start: dateStringSchema.optional(),
    end: dateStringSchema.optional(),
    price: z
      .enum(PRICES, { error: 'must be "close" (split-adjusted) or "adj_close" (dividends too)' })
      .default('close'),
  })
  .superRefine(checkRange);
export type IndicatorsInput = z.infer<typeof indicatorsInput>;

export const exportInput = z
  .object({
    symbols: z
      .string({ error: 'must list symbols separated by commas, e.g. AAPL,MSFT' })
      .transform((s) => s.split(',').filter((x) => x.trim() !== ''))
      .pipe(
        z
          .array(symbolSchema)
          .min(1, { error: 'must list at least 1 symbol' })
          .max(MAX_EXPORT_SYMBOLS, { error: `must list at most ${MAX_EXPORT_SYMBOLS} symbols` })
          .transform((list) => [...new Set(list)]),
      ),
    start: dateStringSchema.optional(),
    end: dateStringSchema.optional(),
    adjust,
  })
  .superRefine(checkRange);
export type ExportInput = z.infer<typeof exportInput>;

export const symbolsInput = z
  .object({
    q: z.string().max(100, { error: 'must be at most 100 characters' }).optional(),
    limit: count(1, 10_000).optional(),
    offset: count(0, Number.MAX_SAFE_INTEGER).optional(),
    stale: z
      .union([z.boolean(), z.enum(['true', 'false'])], { error: 'must be true or false' })
      .transform((v) => v === true || v === 'true')
      .optional(),
  })
  .optional();
