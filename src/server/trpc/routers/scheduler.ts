import { z } from 'zod';
import { jobSchema } from '~/domain/job-definition';
import { publicProcedure, router } from '../trpc';
import { countRunsToday } from '~/server/scheduler/runs-today';

const instanceSchema = z.object({
  id: z.string(),
  host: z.string(),
  pid: z.number(),
  role: z.string(),
  dispatching: z.boolean(),
  working: z.boolean(),
  started_at: z.string(),
  last_heartbeat: z.string(),
  running_runs: z.number(),
});

const statusSchema = z.object({
  running: z.boolean(),
  instances: z.array(instanceSchema),
  active_jobs: z.number(),
  total_jobs: z.number(),
  running_jobs: z.number(),
  max_concurrent_jobs: z.number(),
  queued_runs: z.number(),
  next_run: z.object({ job_id: z.string(), at: z.string() }).nullable(),
});

export const schedulerRouter = router({
  status: publicProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/scheduler/status',
        tags: ['scheduler'],
        summary: 'Scheduler instances, queue and next fire',
      },
    })
    .input(z.object({}).optional())
    .output(statusSchema)
    .query(({ ctx }) => ctx.services.scheduler.status()),

  dashboard: publicProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/scheduler/dashboard',
        tags: ['scheduler'],
        summary: "Status, every job and today's counts",
      },
    })
    .input(z.object({}).optional())
    .output(
      z.object({
        scheduler_status: statusSchema,
        jobs: z.array(jobSchema),
        summary: z.object({
          total: z.number(),
          active: z.number(),
          /** Runs (not jobs) that started today and completed. */
          completed_today: z.number(),
          /** Runs that started today and failed or were partial. */
          failed_today: z.number(),
          running: z.number(),
          /** Of failed_today, the partial runs (some symbols stored). */
          partial_today: z.number(),
          /** The day counted: local midnight in the scheduler's zone, until now. */
          today: z.object({ date: z.string(), timezone: z.string(), since: z.string() }),
        }),
      }),
    )
    .query(async ({ ctx }) => {
      const { services } = ctx;
      const [status, jobs] = await Promise.all([
        services.scheduler.status(),
        services.registry.all(),
      ]);
      const runs = await countRunsToday(
        services.redis,
        jobs.map((j) => j.job_id),
        services.config.SCHEDULER_TIMEZONE,
      );
      return {
        scheduler_status: status,
        jobs,
        summary: {
          total: jobs.length,
          active: jobs.filter((j) => j.is_active).length,
          completed_today: runs.completed,
          failed_today: runs.failed + runs.partial,
          partial_today: runs.partial,
          today: runs.today,
          running: jobs.filter((j) => j.status === 'running').length,
        },
      };
    }),
});
