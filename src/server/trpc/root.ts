import { calendarsRouter } from './routers/calendars';
import { channelsRouter, deliveriesRouter } from './routers/channels';
import { auditRouter } from './routers/audit';
import { authRouter } from './routers/auth';
import { dataRouter } from './routers/data';
import { eventsRouter } from './routers/events';
import { jobsRouter } from './routers/jobs';
import { schedulerRouter } from './routers/scheduler';
import { schedulesRouter } from './routers/schedules';
import { tokensRouter } from './routers/tokens';
import { usersRouter } from './routers/users';
import { createCallerFactory, router } from './trpc';

/** The whole API: every procedure with an openapi meta is also REST under /scheduler. */
export const appRouter = router({
  jobs: jobsRouter,
  scheduler: schedulerRouter,
  data: dataRouter,
  events: eventsRouter,
  calendars: calendarsRouter,
  schedules: schedulesRouter,
  channels: channelsRouter,
  deliveries: deliveriesRouter,
  auth: authRouter,
  users: usersRouter,
  tokens: tokensRouter,
  audit: auditRouter,
});

export type AppRouter = typeof appRouter;

/** A server-side caller: `createCaller(createContextInner({ services }))`. */
export const createCaller = createCallerFactory(appRouter);
