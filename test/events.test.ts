/**
 * `events.onChange`, the dashboard's one subscription, called through the router against a real
 * redis-server: where it starts, how it resumes, and that a client fetching on its `sync` event
 * misses no change made while it was starting.
 */
import { TRPCError } from '@trpc/server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../src/server/keys';
import type { StreamEvent } from '../src/domain/change-events';
import type { Services } from '../src/server/services';
import { createContextInner } from '../src/server/trpc/context';
import { createCaller } from '../src/server/trpc/root';
import { startTestRedis, type TestRedis } from './support/redis-server';
import { testServices } from './support/services';

let redis: TestRedis;
let services: Services;
const aborts: AbortController[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  services = testServices(redis.url);
});

afterEach(async () => {
  for (const a of aborts.splice(0)) a.abort();
  await services.redis.flushall();
});

afterAll(async () => {
  await services?.close();
  await redis?.stop();
});

type Received = { id: string; event: StreamEvent };

/** Opens the subscription; `next()` returns the next event as the SSE client would see it. */
async function subscribe(lastEventId?: string) {
  const abort = new AbortController();
  aborts.push(abort);
  const caller = createCaller(createContextInner({ services }), { signal: abort.signal });
  const iterable = await caller.events.onChange(lastEventId ? { lastEventId } : undefined);
  const iterator = iterable[Symbol.asyncIterator]();
  return {
    async next(): Promise<Received> {
      const { value, done } = await iterator.next();
      if (done) throw new Error('the subscription ended');
      const [id, event] = value as unknown as [string, StreamEvent];
      return { id, event };
    },
  };
}

const job = (name: string) => ({ name, stock_ids: ['AAPL'], schedule_time: '17:00' });
const api = () => createCaller(createContextInner({ services }));

async function streamIds(): Promise<string[]> {
  return (await services.redis.xrange(keys.events, '-', '+')).map(([id]) => id);
}

describe('events.onChange', () => {
  it('starts with a sync event; a change made while it starts is fetched or streamed, never lost', async () => {
    await api().jobs.create(job('before'));
    const sub = await subscribe();
    // The SSE layer has already answered "connected" at this point, but the procedure's body
    // has not run: a change made now falls between the two.
    const { job_id: during } = await api().jobs.create(job('while starting'));

    const first = await sub.next();
    expect(first.event).toEqual({ type: 'sync' });
    // What a client fetches on receiving sync...
    const listed = (await api().jobs.list()).jobs.map((j) => j.job_id);
    // ...plus what streams after it, covers every change.
    const { job_id: after } = await api().jobs.create(job('after'));
    const streamed: string[] = [];
    while (!streamed.includes(after)) {
      const { event } = await sub.next();
      if (event.type === 'job') streamed.push(event.job_id);
    }
    expect([...listed, ...streamed]).toContain(during);
    expect(listed.length + streamed.length).toBe(3);
    // The sync event's id is the stream position the subscription started from.
    const ids = await streamIds();
    expect(ids).toContain(first.id);
  });

  it('on an empty stream, sync carries 0-0 and the first change follows it', async () => {
    const sub = await subscribe();
    expect(await sub.next()).toEqual({ id: '0-0', event: { type: 'sync' } });
    const { job_id } = await api().jobs.create(job('first'));
    const next = await sub.next();
    expect(next.event).toMatchObject({ type: 'job', action: 'created', job_id });
    expect(await streamIds()).toEqual([next.id]);
  });

  it('resumes right after the id it is given, without a sync', async () => {
    const created: string[] = [];
    for (const name of ['a', 'b', 'c']) created.push((await api().jobs.create(job(name))).job_id);
    const [firstId] = await streamIds();

    const sub = await subscribe(firstId);
    const b = await sub.next();
    const c = await sub.next();
    expect([b.event, c.event]).toMatchObject([
      { type: 'job', job_id: created[1] },
      { type: 'job', job_id: created[2] },
    ]);
    expect([b.id, c.id]).toEqual((await streamIds()).slice(1));
  });

  it('sends sync instead of resuming when the events after the id were trimmed away', async () => {
    for (const name of ['a', 'b', 'c', 'd']) await api().jobs.create(job(name));
    const [oldest] = await streamIds();
    await services.redis.xtrim(keys.events, 'MAXLEN', 1);

    const sub = await subscribe(oldest);
    const first = await sub.next();
    expect(first.event).toEqual({ type: 'sync' });
    expect(first.id).toBe((await streamIds()).at(-1));
  });

  it('sends sync when the stream itself is gone (a Redis without persistence restarted)', async () => {
    await api().jobs.create(job('a'));
    const [id] = await streamIds();
    await services.redis.del(keys.events);

    const sub = await subscribe(id);
    expect(await sub.next()).toEqual({ id: '0-0', event: { type: 'sync' } });
  });

  it('rejects an id that is not a stream id, naming the field', async () => {
    const error = await subscribe('not-an-id').then(
      (sub) => sub.next().then(() => null),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe('BAD_REQUEST');
    expect((error as TRPCError).message).toMatch(/lastEventId/);
  });
});
