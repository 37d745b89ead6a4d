import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { ROLES } from '../../door/actor';
import { passwordSchema } from '../../door/auth-routes';
import { doorOf } from '../../door/door';
import { UserConflictError } from '../../door/users';
import { adminProcedure, router } from '../trpc';

const userSchema = z.object({
  user_id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  created_at: z.string(),
});
const userId = z.object({ user_id: z.uuid({ error: 'must be a user id (UUID)' }) });
const ack = z.object({ message: z.string(), user_id: z.string() });

/** Accounts of people; admins only. Passwords go in, never come out. */
export const usersRouter = router({
  list: adminProcedure
    .meta({
      openapi: { method: 'GET', path: '/scheduler/users', tags: ['users'], summary: 'All users' },
    })
    .input(z.object({}).optional())
    .output(z.object({ users: z.array(userSchema) }))
    .query(async ({ ctx }) => ({ users: await doorOf(ctx.services).users.list() })),

  create: adminProcedure
    .meta({
      audit: 'user.create',
      openapi: { method: 'POST', path: '/scheduler/users', tags: ['users'], summary: 'Add a user' },
    })
    .input(
      z.strictObject({
        email: z.email({ error: 'must be an e-mail address' }).max(320),
        name: z.string().trim().max(100).default(''),
        role: z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }),
        password: passwordSchema,
      }),
    )
    .output(ack)
    .mutation(async ({ ctx, input }) => {
      try {
        const user = await doorOf(ctx.services).users.create(input);
        return { message: 'User created successfully', user_id: user.user_id };
      } catch (error) {
        if (error instanceof UserConflictError)
          throw new TRPCError({ code: 'CONFLICT', message: error.message });
        throw error;
      }
    }),

  delete: adminProcedure
    .meta({
      audit: 'user.delete',
      openapi: {
        method: 'DELETE',
        path: '/scheduler/users/{user_id}',
        tags: ['users'],
        summary: 'Delete a user and end their sessions',
      },
    })
    .input(userId)
    .output(ack)
    .mutation(async ({ ctx, input }) => {
      let deleted;
      try {
        deleted = await doorOf(ctx.services).users.delete(input.user_id);
      } catch (error) {
        if (error instanceof UserConflictError)
          throw new TRPCError({ code: 'CONFLICT', message: error.message });
        throw error;
      }
      if (!deleted) throw new TRPCError({ code: 'NOT_FOUND', message: `No user ${input.user_id}` });
      return { message: 'User deleted successfully', user_id: input.user_id };
    }),
});
