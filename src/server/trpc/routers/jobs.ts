import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { count } from '~/domain/count';
import {
  jobCreateSchema,
  jobIdSchema,
  jobSchema,
  jobUpdateFields,
  runRangeSchema,
  runSchema,
  AFTER_WAIT,
  AFTER_WHEN,
  strictBooleanSchema,
  type Job,
} from '~/domain/job-definition';
import { analysisAnswerSchema } from '~/domain/analysis';
import { readAnalysis } from '../../analysis/analysis-store';
import { JobWaitedForError } from '../../errors';
import { JobInputError, JobNotFoundError } from '../../scheduler/job-registry';
import { editorProcedure, router, viewerProcedure } from '../trpc';

const byId = z.object({ job_id: jobIdSchema });
const ack = z.object({ message: z.string(), job_id: z.string() });

const updateInput = z
  .strictObject({ job_id: jobIdSchema, ...jobUpdateFields.shape })
  .superRefine((value, ctx) => {
    if (value.schedule_time !== undefined && value.schedule !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['schedule'],
        message: 'give either schedule_time or schedule, not both',
      });
    }
  });

/** A page of a list over tRPC: `limit` defaults to PAGE_DEFAULT and may not pass PAGE_MAX. */
export const PAGE_DEFAULT = 100;
export const PAGE_MAX = 1000;

const listFields = {
  offset: count(0, Number.MAX_SAFE_INTEGER).optional(),
  q: z.string().max(200, { error: 'must be at most 200 characters' }).optional(),
  active: z
    .union([z.boolean(), z.enum(['true', 'false'])], { error: 'must be true or false' })
    .transform((v) => v === true || v === 'true')
    .optional(),
};

/** Query of `jobs.list` over tRPC: one page, PAGE_DEFAULT jobs unless `limit` says otherwise. */
export const listInput = z
  .object({ limit: count(1, PAGE_MAX).optional(), ...listFields })
  .optional();

/**
 * Query of REST `GET /scheduler/jobs`: every job unless `limit` is given (the seed's curl
 * relies on it); the answer is streamed (src/server/http/job-listing.ts).
 */
export const restListInput = z.object({ limit: count(1, 1_000_000).optional(), ...listFields });

/**
 * Turns the registry's errors into tRPC's: not-found a 404, a rule between a patch and the
 * stored job (or a refused after-schedule) a 400 whose issues name the field, as zod's would,
 * a delete of a job others run after a 409 naming them.
 */
export async function orNotFound<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof JobNotFoundError) {
      throw new TRPCError({ code: 'NOT_FOUND', message: error.message, cause: error });
    }
    if (error instanceof JobInputError) {
      throw new TRPCError({ code: 'BAD_REQUEST', message: error.message, cause: error });
    }
    if (error instanceof JobWaitedForError) {
      throw new TRPCError({ code: 'CONFLICT', message: error.message, cause: error });
    }
    throw error;
  }
}

const dependentSchema = z.object({
  job_id: z.string(),
  name: z.string(),
  when: z.enum(AFTER_WHEN),
  wait: z.enum(AFTER_WAIT),
});

export const jobsRouter = router({
  create: editorProcedure
    .meta({
      audit: 'job.create',
      openapi: { method: 'POST', path: '/scheduler/jobs', tags: ['jobs'], summary: 'Create a job' },
    })
    .input(jobCreateSchema)
    .output(ack)
    .mutation(async ({ ctx, input }) => {
      const job = await orNotFound(ctx.services.registry.create(input));
      return { message: 'Job created successfully', job_id: job.job_id };
    }),

  list: viewerProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/scheduler/jobs',
        tags: ['jobs'],
        summary: 'List jobs, oldest first',
        description:
          'Over REST, every job unless limit is given (streamed); over tRPC, 100 unless limit is given, at most 1000.',
      },
    })
    .input(listInput)
    .output(z.object({ jobs: z.array(jobSchema), total: z.number() }))
    .query(({ ctx, input }) =>
      ctx.services.registry.list({ ...input, limit: input?.limit ?? PAGE_DEFAULT }),
    ),

  get: viewerProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/scheduler/jobs/{job_id}',
        tags: ['jobs'],
        summary: 'One job',
      },
    })
    .input(byId)
    .output(jobSchema)
    .query(({ ctx, input }) => orNotFound(ctx.services.registry.getOrThrow(input.job_id))),

  update: editorProcedure
    .meta({
      audit: 'job.update',
      openapi: {
        method: 'PUT',
        path: '/scheduler/jobs/{job_id}',
        tags: ['jobs'],
        summary: "Change any subset of a job's fields",
      },
    })
    .input(updateInput)
    .output(ack.extend({ job: jobSchema }))
    .mutation(async ({ ctx, input }) => {
      const { job_id, ...patch } = input;
      const job: Job = await orNotFound(ctx.services.registry.update(job_id, patch));
      return { message: 'Job updated successfully', job_id, job };
    }),

  stop: editorProcedure
    .meta({
      audit: 'job.stop',
      openapi: {
        method: 'POST',
        path: '/scheduler/jobs/{job_id}/stop',
        tags: ['jobs'],
        summary: 'Stop a job (idempotent)',
      },
    })
    .input(byId)
    .output(ack)
    .mutation(async ({ ctx, input }) => {
      await orNotFound(ctx.services.registry.stop(input.job_id));
      return { message: 'Job stopped successfully', job_id: input.job_id };
    }),

  start: editorProcedure
    .meta({
      audit: 'job.start',
      openapi: {
        method: 'POST',
        path: '/scheduler/jobs/{job_id}/start',
        tags: ['jobs'],
        summary: 'Start a job (idempotent)',
      },
    })
    .input(byId)
    .output(ack)
    .mutation(async ({ ctx, input }) => {
      await orNotFound(ctx.services.registry.start(input.job_id));
      return { message: 'Job started successfully', job_id: input.job_id };
    }),

  delete: editorProcedure
    .meta({
      audit: 'job.delete',
      openapi: {
        method: 'DELETE',
        path: '/scheduler/jobs/{job_id}',
        tags: ['jobs'],
        summary: 'Delete a job and its runs',
      },
    })
    .input(byId)
    .output(ack)
    .mutation(async ({ ctx, input }) => {
      const deleted = await orNotFound(ctx.services.registry.delete(input.job_id));
      if (!deleted)
        throw new TRPCError({ code: 'NOT_FOUND', message: `Job ${input.job_id} not found` });
      return { message: 'Job deleted successfully', job_id: input.job_id };
    }),

  runNow: editorProcedure
    .meta({
      audit: 'job.run',
      openapi: {
        method: 'POST',
        path: '/scheduler/jobs/{job_id}/run',
        tags: ['jobs'],
        summary: 'Queue a run now, or a backfill of start..end',
      },
    })
    .input(
      z
        .object({
          job_id: jobIdSchema,
          ...runRangeSchema.shape,
          force: strictBooleanSchema
            .optional()
            .describe('fetch every symbol even where its series is already fresh'),
        })
        .superRefine((value, ctx) => {
          const checked = runRangeSchema.safeParse({ start: value.start, end: value.end });
          if (!checked.success)
            for (const issue of checked.error.issues)
              ctx.addIssue({ ...issue, code: 'custom', message: issue.message });
        }),
    )
    .output(ack.extend({ run_id: z.string() }))
    .mutation(async ({ ctx, input }) => {
      const range = input.start && input.end ? { start: input.start, end: input.end } : undefined;
      const run = await orNotFound(
        ctx.services.scheduler.runNow(input.job_id, range, { force: input.force === true }),
      );
      return { message: 'Job run queued', job_id: input.job_id, run_id: run.run_id };
    }),

  analysis: viewerProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/scheduler/jobs/{job_id}/analysis',
        tags: ['jobs'],
        summary: "An analysis job's latest values and signals per symbol",
      },
    })
    .input(byId)
    .output(analysisAnswerSchema)
    .query(async ({ ctx, input }) => {
      const job = await orNotFound(ctx.services.registry.getOrThrow(input.job_id));
      return readAnalysis(ctx.services.redis, job);
    }),

  runs: viewerProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/scheduler/jobs/{job_id}/runs',
        tags: ['jobs'],
        summary: "A job's runs, newest first",
      },
    })
    .input(
      z.object({
        job_id: jobIdSchema,
        limit: count(1, PAGE_MAX).optional(),
      }),
    )
    .output(z.object({ runs: z.array(runSchema) }))
    .query(async ({ ctx, input }) => {
      await orNotFound(ctx.services.registry.getOrThrow(input.job_id));
      return { runs: await ctx.services.runs.list(input.job_id, input.limit ?? PAGE_DEFAULT) };
    }),

  dependents: viewerProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/scheduler/jobs/{job_id}/dependents',
        tags: ['jobs'],
        summary: 'The jobs that run after this one (their after-schedule names it)',
      },
    })
    .input(byId)
    .output(z.object({ jobs: z.array(dependentSchema) }))
    .query(async ({ ctx, input }) => {
      await orNotFound(ctx.services.registry.getOrThrow(input.job_id));
      return { jobs: await ctx.services.registry.dependents(input.job_id) };
    }),
});
