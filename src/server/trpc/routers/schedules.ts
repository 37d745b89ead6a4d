import { z } from 'zod';
import { scheduleSchema, timezoneSchema } from '~/domain/job-definition';
import { nextFireTimes } from '~/domain/schedule';
import { viewerProcedure, router } from '../trpc';

/** A pipe, so REST's number coercion does not turn "ten" into a 400-free NaN path. */
const countSchema = z
  .number({ error: 'must be a number' })
  .int({ error: 'must be a whole number' })
  .min(1, { error: 'must be at least 1' })
  .max(100, { error: 'must be at most 100' })
  .transform((v) => v);

export const schedulesRouter = router({
  preview: viewerProcedure
    .meta({
      // A mutation only to take a body (POST): it changes nothing, so nothing to audit.
      audit: false,
      openapi: {
        method: 'POST',
        path: '/scheduler/schedules/preview',
        tags: ['schedules'],
        summary: 'The next fire times of any schedule, computed as the dispatcher does',
      },
    })
    .input(
      z.object({
        schedule: scheduleSchema,
        timezone: timezoneSchema.optional(),
        after: z.iso.datetime({ error: 'must be an ISO 8601 instant', offset: true }).optional(),
        count: countSchema.optional(),
      }),
    )
    .output(z.object({ fire_times: z.array(z.string()) }))
    .mutation(({ ctx, input }) => {
      const timezone = input.timezone ?? ctx.services.config.SCHEDULER_TIMEZONE;
      const after = input.after ? new Date(input.after) : new Date();
      const times = nextFireTimes(input.schedule, timezone, after, input.count ?? 10);
      return { fire_times: times.map((t) => t.toISOString()) };
    }),
});
