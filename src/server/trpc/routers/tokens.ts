import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { ROLES } from '../../door/actor';
import { doorOf } from '../../door/door';
import { adminProcedure, router } from '../trpc';

const tokenSchema = z.object({
  token_id: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  created_at: z.string(),
  created_by: z.string(),
  expires_at: z.string().nullable(),
  last_used_at: z.string().nullable(),
  expired: z.boolean(),
});
const tokenId = z.object({
  token_id: z.string().regex(/^[0-9a-f]{32}$/, { error: 'must be a token id (32 hex digits)' }),
});

/** API tokens for scripts and typed clients; admins only. */
export const tokensRouter = router({
  list: adminProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/scheduler/tokens',
        tags: ['tokens'],
        summary: 'All API tokens (never their secret)',
      },
    })
    .input(z.object({}).optional())
    .output(z.object({ tokens: z.array(tokenSchema) }))
    .query(async ({ ctx }) => {
      const now = Date.now();
      const tokens = await doorOf(ctx.services).tokens.list();
      return {
        tokens: tokens.map((t) => ({
          ...t,
          expired: t.expires_at !== null && Date.parse(t.expires_at) <= now,
        })),
      };
    }),

  create: adminProcedure
    .meta({
      audit: 'token.create',
      openapi: {
        method: 'POST',
        path: '/scheduler/tokens',
        tags: ['tokens'],
        summary: 'Create an API token (shown once, in this answer only)',
      },
    })
    .input(
      z.strictObject({
        name: z.string().trim().min(1, { error: 'is required' }).max(100),
        role: z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }),
        expires_in_days: z
          .number({ error: 'must be a number of days' })
          .int({ error: 'must be a whole number' })
          .min(1, { error: 'must be at least 1' })
          .max(3650, { error: 'must be at most 3650' })
          .optional(),
      }),
    )
    .output(z.object({ message: z.string(), token: z.string(), token_id: z.string() }))
    .mutation(async ({ ctx, input }) => {
      const { token, info } = await doorOf(ctx.services).tokens.create({
        name: input.name,
        role: input.role,
        expiresInDays: input.expires_in_days,
        createdBy: ctx.actor?.id ?? '',
      });
      return {
        message: 'Token created: copy it now, it is not shown again',
        token,
        token_id: info.token_id,
      };
    }),

  delete: adminProcedure
    .meta({
      audit: 'token.revoke',
      openapi: {
        method: 'DELETE',
        path: '/scheduler/tokens/{token_id}',
        tags: ['tokens'],
        summary: 'Revoke an API token',
      },
    })
    .input(tokenId)
    .output(z.object({ message: z.string(), token_id: z.string() }))
    .mutation(async ({ ctx, input }) => {
      if (!(await doorOf(ctx.services).tokens.revoke(input.token_id)))
        throw new TRPCError({ code: 'NOT_FOUND', message: `No token ${input.token_id}` });
      return { message: 'Token revoked', token_id: input.token_id };
    }),
});
