import { calendarsRouter } from './routers/calendars';
import { channelsRouter, deliveriesRouter } from './routers/channels';
import { dataRouter } from './routers/data';
import { eventsRouter } from './routers/events';
import { jobsRouter } from './routers/jobs';
import { schedulerRouter } from './routers/scheduler';
import { schedulesRouter } from './routers/schedules';
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
});

export type AppRouter = typeof appRouter;

/** A server-side caller: `createCaller(createContextInner({ services }))`. */
export const createCaller = createCallerFactory(appRouter);
