import { z } from 'zod';
import { jobSchema } from '~/domain/job-definition';
import { publicProcedure, router } from '../trpc';
import { zonedDateString } from '~/domain/time-zone';

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
          completed_today: z.number(),
          failed_today: z.number(),
          running: z.number(),
        }),
      }),
    )
    .query(async ({ ctx }) => {
      const { services } = ctx;
      const [status, jobs] = await Promise.all([
        services.scheduler.status(),
        services.registry.all(),
      ]);
      const zone = services.config.SCHEDULER_TIMEZONE;
      const today = zonedDateString(new Date(), zone);
      const ranToday = (j: (typeof jobs)[number]) =>
        j.last_run !== null && zonedDateString(new Date(j.last_run), zone) === today;
      return {
        scheduler_status: status,
        jobs,
        summary: {
          total: jobs.length,
          active: jobs.filter((j) => j.is_active).length,
          completed_today: jobs.filter((j) => ranToday(j) && j.last_run_status === 'completed')
            .length,
          failed_today: jobs.filter(
            (j) =>
              ranToday(j) && (j.last_run_status === 'failed' || j.last_run_status === 'partial'),
          ).length,
          running: jobs.filter((j) => j.status === 'running').length,
        },
      };
    }),
});
