import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { dateStringSchema, symbolSchema } from '~/domain/job-definition';
import { stockDataRecordSchema } from '../../market-data/stock-data-store';
import { publicProcedure, router } from '../trpc';

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
});
