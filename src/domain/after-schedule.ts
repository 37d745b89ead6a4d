/**
 * The `after` schedule of CONTRACT.md section 11: a job that runs when other jobs' runs finish.
 * Pure zod, part of the job model (job-definition.ts puts it in the schedule unions).
 */
import { z } from 'zod';

export const AFTER_WHEN = ['success', 'not_failed', 'always'] as const;
export const AFTER_WAIT = ['any', 'all'] as const;
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Runs after other jobs' runs (CONTRACT.md section 11): never on a clock, so no next_run. */
export const afterScheduleSchema = z.object({
  kind: z.literal('after'),
  jobs: z
    .array(
      z
        .string({ error: 'must be a job id string' })
        .trim()
        .toLowerCase()
        .regex(UUID_PATTERN, { error: 'must be a job id (a UUID)' }),
      { error: 'must be an array of job ids' },
    )
    .min(1, { error: 'must list at least 1 job' })
    .max(20, { error: 'must list at most 20 jobs' })
    .refine((ids) => new Set(ids).size === ids.length, {
      error: 'must not list the same job twice',
    }),
  when: z
    .enum(AFTER_WHEN, { error: 'must be "success", "not_failed" or "always"' })
    .default('success'),
  wait: z.enum(AFTER_WAIT, { error: 'must be "any" or "all"' }).default('any'),
});

export type AfterSchedule = z.infer<typeof afterScheduleSchema>;

/** An after-schedule as stored and returned: defaults filled in. */
export const storedAfterScheduleSchema = z.object({
  kind: z.literal('after'),
  jobs: z.array(z.string()),
  when: z.enum(AFTER_WHEN),
  wait: z.enum(AFTER_WAIT),
});
