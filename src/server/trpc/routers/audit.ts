import { z } from 'zod';
import { count } from '~/domain/count';
import { doorOf } from '../../door/door';
import { adminProcedure, router } from '../trpc';

const entrySchema = z.object({
  at: z.string(),
  actor: z.object({
    kind: z.enum(['user', 'token', 'local', 'anonymous']),
    id: z.string(),
    name: z.string(),
  }),
  action: z.string(),
  target: z.string(),
  ip: z.string(),
});

export const auditRouter = router({
  /** Changes and sign-ins, newest first. */
  list: adminProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/scheduler/audit',
        tags: ['audit'],
        summary: 'The audit log, newest first',
      },
    })
    .input(
      z
        .object({
          limit: count(1, 1000).optional(),
        })
        .optional(),
    )
    .output(z.object({ entries: z.array(entrySchema) }))
    .query(async ({ ctx, input }) => ({
      entries: await doorOf(ctx.services).audit.list(input?.limit ?? 100),
    })),
});
