import { tracked } from '@trpc/server';
import { z } from 'zod';
import type { StreamEvent } from '~/domain/change-events';
import { EventLog, STREAM_ID } from '../../scheduler/events';
import { publicProcedure, router } from '../trpc';

const BLOCK_MS = 5000;

const track = (id: string, event: StreamEvent) => tracked(id, event);

export const eventsRouter = router({
  /**
   * Streams job and run changes from every instance (a Redis stream), over SSE. Each event is
   * tracked by its stream id, so a client that reconnects resumes right after the last event
   * it saw and misses nothing. A subscription that cannot resume starts with a `sync` event,
   * sent only once its start point is fixed (tRPC reports "connected" before this body runs,
   * so a client fetching on "connected" could miss a change made in between).
   */
  onChange: publicProcedure
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
      const conn = ctx.services.connect();
      conn.on('error', () => undefined);
      const onAbort = () => conn.disconnect();
      signal?.addEventListener('abort', onAbort);
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
            yield track(id, event);
          }
        }
      } finally {
        signal?.removeEventListener('abort', onAbort);
        conn.disconnect();
      }
    }),
});
