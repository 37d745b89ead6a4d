import { z } from 'zod';
import { jobSchema, type Job } from '~/domain/job-definition';
import { instanceSchema } from '../../scheduler/instances';
import { schedulerStatusSchema } from '../../scheduler/scheduler-status';
import type { Context } from '../context';
import { router, viewerProcedure } from '../trpc';
import { countRunsToday } from '~/server/scheduler/runs-today';
import { count } from '~/domain/count';

/** The jobs a dashboard answer lists at most (its counts cover all of them). */
export const DASHBOARD_JOBS_MAX = 10_000;

/** The status as anyone may see it: host and pid are left out for all but admins. */
const statusSchema = schedulerStatusSchema.extend({
  instances: z.array(
    instanceSchema.extend({ host: z.string().optional(), pid: z.number().optional() }),
  ),
});

type Status = z.infer<typeof statusSchema>;

/**
 * The status as the actor may see it: for anyone but an admin, no host names or pids, and
 * instance ids (`host:pid:random`) cut to their random part.
 */
function visibleTo(actor: Context['actor'], status: Status): Status {
  if (actor?.role === 'admin') return status;
  return {
    ...status,
    instances: status.instances.map(({ host: _h, pid: _p, ...instance }) => ({
      ...instance,
      id: instance.id.split(':').at(-1) ?? '',
    })),
  };
}

export const schedulerRouter = router({
  status: viewerProcedure
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
    .query(async ({ ctx }) => visibleTo(ctx.actor, await ctx.services.scheduler.status())),

  dashboard: viewerProcedure
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
        scheduler_status: visibleTo(ctx.actor, status),
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
