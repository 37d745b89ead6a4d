/** Dates of a run's window and the optional backfill range of a run-now (pure zod). */
import { z } from 'zod';

export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

const dateString = z
  .string({ error: 'must be a date string "YYYY-MM-DD"' })
  .regex(DATE_PATTERN, { error: 'must be a date "YYYY-MM-DD"' })
  .refine(
    (v) =>
      !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) &&
      new Date(`${v}T00:00:00Z`).toISOString().startsWith(v),
    {
      error: 'is not a real calendar date',
    },
  );

/**
 * The latest date anywhere on Earth now (UTC+14, Kiribati's Line Islands): a backfill range
 * after it holds no bar yet in any market, whatever the job's zone.
 */
function latestToday(): string {
  return new Date(Date.now() + 14 * 3_600_000).toISOString().slice(0, 10);
}

/** Optional backfill range of a run-now. */
export const runRangeSchema = z
  .object({ start: dateString.optional(), end: dateString.optional() })
  .superRefine((value, ctx) => {
    const today = latestToday();
    for (const field of ['start', 'end'] as const) {
      const date = value[field];
      if (date !== undefined && date > today) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: `must not be after today (${today}): there is no data for the future yet`,
        });
      }
    }
    if ((value.start === undefined) !== (value.end === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [value.start === undefined ? 'start' : 'end'],
        message: 'give both start and end for a backfill, or neither',
      });
    } else if (value.start !== undefined && value.end !== undefined && value.start > value.end) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: 'must not be before start' });
    }
  });
export { dateString as dateStringSchema };
