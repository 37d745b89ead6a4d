import { z } from 'zod';
import { jobSchema, type Job } from '~/domain/job-definition';
import { schedulerStatusSchema } from '../../scheduler/scheduler-status';
import { publicProcedure, router } from '../trpc';
import { countRunsToday } from '~/server/scheduler/runs-today';
import { count } from './jobs';

/** The jobs a dashboard answer lists at most (its counts cover all of them). */
export const DASHBOARD_JOBS_MAX = 10_000;

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
    .output(schedulerStatusSchema)
    .query(({ ctx }) => ctx.services.scheduler.status()),

  dashboard: publicProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/scheduler/dashboard',
        tags: ['scheduler'],
        summary: "Status, the jobs (the first 10,000 unless limit says fewer) and today's counts",
      },
    })
    .input(
      z
        .object({
          limit: count(1, DASHBOARD_JOBS_MAX).optional(),
        })
        .optional(),
    )
    .output(
      z.object({
        scheduler_status: schedulerStatusSchema,
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
    .query(async ({ ctx, input }) => {
      const { services } = ctx;
      const limit = input?.limit ?? DASHBOARD_JOBS_MAX;
      const jobs: Job[] = [];
      const ids: string[] = [];
      let active = 0;
      let running = 0;
      // Read a chunk at a time: the counts cover every job, the list holds `limit` of them.
      const scan = async () => {
        for await (const chunk of services.registry.scan()) {
          for (const j of chunk) {
            ids.push(j.job_id);
            if (j.is_active) active++;
            if (j.status === 'running') running++;
            if (jobs.length < limit) jobs.push(j);
          }
        }
      };
      const [status] = await Promise.all([services.scheduler.status(), scan()]);
      const runs = await countRunsToday(services.redis, ids, services.config.SCHEDULER_TIMEZONE);
      return {
        scheduler_status: status,
        jobs,
        summary: {
          total: ids.length,
          active,
          completed_today: runs.completed,
          failed_today: runs.failed + runs.partial,
          partial_today: runs.partial,
          today: runs.today,
          running,
        },
      };
    }),
});
