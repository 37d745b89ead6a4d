import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { dateStringSchema, symbolSchema } from '~/domain/job-definition';
import { readIndicators } from '../../market-data/series-indicators';
import { barsInput, indicatorsInput, symbolsInput } from '../../market-data/series-params';
import {
  listSymbols,
  qualityOf,
  readBars,
  UnknownSeriesError,
  type SeriesReadDeps,
} from '../../market-data/series-queries';
import { stockDataRecordSchema } from '../../market-data/stock-data-store';
import type { Context } from '../context';
import { viewerProcedure, router } from '../trpc';
import { barsOutput, indicatorsOutput, qualityOutput, symbolsOutput } from './data-shapes';

function readDeps(ctx: Context): SeriesReadDeps {
  const { series, registry, config } = ctx.services;
  return { series, registry, settleMinutes: config.DATA_SETTLE_MINUTES };
}

/** A symbol without a series is a 404 naming it. */
async function orNotFound<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof UnknownSeriesError) {
      throw new TRPCError({ code: 'NOT_FOUND', message: error.message, cause: error });
    }
    throw error;
  }
}

export const dataRouter = router({
  get: viewerProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/scheduler/data/{symbol}',
        tags: ['data'],
        summary: 'The newest stored record of a symbol, or the one for start..end',
      },
    })
    .input(
      z
        .object({
          symbol: symbolSchema,
          start: dateStringSchema.optional(),
          end: dateStringSchema.optional(),
        })
        .superRefine((value, ctx) => {
          if ((value.start === undefined) !== (value.end === undefined)) {
            ctx.addIssue({
              code: 'custom',
              path: [value.start === undefined ? 'start' : 'end'],
              message: 'give both start and end, or neither',
            });
          }
        }),
    )
    .output(stockDataRecordSchema)
    .query(async ({ ctx, input }) => {
      const range = input.start && input.end ? { start: input.start, end: input.end } : undefined;
      const record = await ctx.services.data.get(input.symbol, range);
      if (!record) {
        throw new TRPCError({
          code: 'NOT_FOUND',
          message: range
            ? `No stored data for ${input.symbol} from ${range.start} to ${range.end}`
            : `No stored data for ${input.symbol}`,
        });
      }
      return record;
    }),
  symbols: viewerProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/scheduler/data',
        tags: ['data'],
        summary: 'Every symbol with a series: coverage, freshness, missing sessions, jobs',
      },
    })
    .input(symbolsInput)
    .output(symbolsOutput)
    .query(async ({ ctx, input }) => {
      const all = await listSymbols(readDeps(ctx), input ?? {});
      const offset = input?.offset ?? 0;
      const page = all.slice(offset, input?.limit === undefined ? undefined : offset + input.limit);
      return { symbols: page, total: all.length };
    }),
  bars: viewerProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/scheduler/data/{symbol}/bars',
        tags: ['data'],
        summary: "A symbol's daily bars over a range (adjust=split|all), with its events",
      },
    })
    .input(barsInput)
    .output(barsOutput)
    .query(({ ctx, input }) => orNotFound(readBars(readDeps(ctx), input))),
  indicators: viewerProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/scheduler/data/{symbol}/indicators',
        tags: ['data'],
        summary: 'Indicators (sma:n, ema:n, rsi:n, volatility:n, return:n, drawdown) over a range',
      },
    })
    .input(indicatorsInput)
    .output(indicatorsOutput)
    .query(({ ctx, input }) => orNotFound(readIndicators(readDeps(ctx), input))),
  quality: viewerProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/scheduler/data/{symbol}/quality',
        tags: ['data'],
        summary: "A symbol's gaps (sessions with no bar) and suspicious bars",
      },
    })
    .input(z.object({ symbol: symbolSchema }))
    .output(qualityOutput)
    .query(({ ctx, input }) => orNotFound(qualityOf(readDeps(ctx), input.symbol))),
});
