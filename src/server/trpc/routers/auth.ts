import { z } from 'zod';
import { ROLES } from '../../door/actor';
import { actorBody } from '../../door/auth-routes';
import { router, viewerProcedure } from '../trpc';

/** Who the dashboard is talking as (the same answer as `GET /auth/me`). */
export const authRouter = router({
  me: viewerProcedure
    .input(z.object({}).optional())
    .output(
      z.object({
        kind: z.enum(['user', 'token', 'local']),
        id: z.string(),
        email: z.string().nullable(),
        name: z.string(),
        role: z.enum(ROLES),
      }),
    )
    .query(({ ctx }) => actorBody(ctx.actor!)),
});
