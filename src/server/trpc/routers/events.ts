import { TRPCError, tracked } from '@trpc/server';
import { z } from 'zod';
import type { StreamEvent } from '~/domain/change-events';
import { STREAM_ID, compareIds } from '../../scheduler/events';
import { createRedis } from '../../redis/connection';
import type { Services } from '../../services';
import { watchCredentials } from '../credentials-watch';
import { EventFanout, TooManySubscriptionsError, type Subscriber } from '../event-fanout';
import { viewerProcedure, router } from '../trpc';

const BACKLOG_PAGE = 500;

/** One fan-out per process (per services): all its subscriptions share one Redis reader. */
const fanouts = new WeakMap<Services, EventFanout>();
function fanoutOf(services: Services): EventFanout {
  let fanout = fanouts.get(services);
  if (!fanout) {
    fanout = new EventFanout({
      connect: () =>
        createRedis(services.config.REDIS_URL, { connectionName: 'stock-scheduler:events' }),
      logger: services.logger,
      max: services.config.SUBSCRIPTIONS_MAX,
    });
    fanouts.set(services, fanout);
  }
  return fanout;
}

const track = (id: string, event: StreamEvent) => tracked(id, event);

export const eventsRouter = router({
  /**
   * Streams job and run changes from every instance (a Redis stream), over SSE. Each event is
   * tracked by its stream id, so a client that reconnects resumes right after the last event
   * it saw and misses nothing. A subscription that cannot resume starts with a `sync` event,
   * sent only once its start point is fixed (tRPC reports "connected" before this body runs,
   * so a client fetching on "connected" could miss a change made in between). Every
   * subscription of the process shares one Redis reader (EventFanout); one that falls more
   * than 1,000 events behind gets a `sync` at the newest event instead of the backlog. The
   * stream ends with UNAUTHORIZED once the session or token it was opened with has ended
   * (credentials-watch.ts): expired, signed out, revoked.
   */
  onChange: viewerProcedure
    .input(
      z
        .object({
          lastEventId: z
            .string()
            .regex(STREAM_ID, 'must be a stream id such as 1700000000000-0')
            .nullish(),
        })
        .optional(),
    )
    .subscription(async function* ({ ctx, input, signal }) {
      const fanout = fanoutOf(ctx.services);
      let subscriber: Subscriber;
      try {
        // Registered first, so that no event is missed while the start point is fixed.
        subscriber = fanout.subscribe();
      } catch (error) {
        if (!(error instanceof TooManySubscriptionsError)) throw error;
        throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: error.message });
      }
      const watch = watchCredentials(ctx.credentialsLeft, signal, ctx.services.logger);
      try {
        const { events } = ctx.services;
        const resume = input?.lastEventId;
        let cursor: string;
        if (resume && (await events.continuesFrom(resume))) {
          cursor = resume;
        } else {
          cursor = await events.lastId();
          yield track(cursor, { type: 'sync' });
        }
        // What came after the start point and before the reader's first event for this
        // subscriber, read here; then live events, those already read skipped.
        await fanout.started;
        for (;;) {
          const backlog = await events.after(cursor, BACKLOG_PAGE);
          for (const { id, event } of backlog) {
            cursor = id;
            yield track(id, event);
          }
          if (backlog.length < BACKLOG_PAGE) break;
        }
        for (;;) {
          const next = await subscriber.next(watch.signal);
          if (!next) break;
          if (next.kind === 'sync') {
            // Fell behind (a slow client): refetch, then go on from the newest event.
            cursor = next.id;
            yield track(cursor, { type: 'sync' });
          } else if (compareIds(next.stored.id, cursor) > 0) {
            cursor = next.stored.id;
            yield track(cursor, next.stored.event);
          }
        }
        if (watch.ended) {
          throw new TRPCError({
            code: 'UNAUTHORIZED',
            message: 'The session or token of this stream has ended: sign in again',
          });
        }
      } finally {
        watch.stop();
        subscriber.close();
      }
    }),
});
