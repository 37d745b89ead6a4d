import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { dateStringSchema, symbolSchema } from '../../scheduler/job-definition';
import { publicProcedure, router } from '../trpc';

const barSchema = z.object({
  date: z.string(),
  open: z.number().nullable(),
  high: z.number().nullable(),
  low: z.number().nullable(),
  close: z.number().nullable(),
  adj_close: z.number().nullable(),
  volume: z.number().nullable(),
});

export const stockRecordSchema = z.object({
  symbol: z.string(),
  start: z.string(),
  end: z.string(),
  interval: z.string(),
  source: z.string(),
  currency: z.string().nullable(),
  exchange_timezone: z.string().nullable(),
  fetched_at: z.string(),
  job_id: z.string().nullable(),
  run_id: z.string().nullable(),
  bars: z.array(barSchema),
  dividends: z.array(z.object({ date: z.string(), amount: z.number() })),
  splits: z.array(z.object({ date: z.string(), numerator: z.number(), denominator: z.number() })),
});

export const dataRouter = router({
  get: publicProcedure
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
    .output(stockRecordSchema)
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
});
