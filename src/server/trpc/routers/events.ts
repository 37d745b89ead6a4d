import { tracked } from '@trpc/server';
import { z } from 'zod';
import { EventLog, type ChangeEvent } from '../../scheduler/events';
import { publicProcedure, router } from '../trpc';

const BLOCK_MS = 5000;

export const eventsRouter = router({
  /**
   * Streams job and run changes from every instance (a Redis stream), over SSE. Each event is
   * tracked by its stream id, so a client that reconnects resumes right after the last event
   * it saw and misses nothing.
   */
  onChange: publicProcedure
    .input(z.object({ lastEventId: z.string().nullish() }).optional())
    .subscription(async function* ({ ctx, input, signal }) {
      const conn = ctx.services.connect();
      conn.on('error', () => undefined);
      const onAbort = () => conn.disconnect();
      signal?.addEventListener('abort', onAbort);
      try {
        let cursor = input?.lastEventId ?? (await ctx.services.events.lastId());
        while (!signal?.aborted) {
          let batch;
          try {
            batch = await EventLog.read(conn, cursor, BLOCK_MS);
          } catch (error) {
            if (signal?.aborted) return;
            throw error;
          }
          for (const { id, event } of batch) {
            cursor = id;
            yield tracked(id, event satisfies ChangeEvent);
          }
        }
      } finally {
        signal?.removeEventListener('abort', onAbort);
        conn.disconnect();
      }
    }),
});
