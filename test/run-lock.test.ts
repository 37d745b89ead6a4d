/**
 * The per-job run lock (src/server/scheduler/run-lock.ts) against a real Redis: a run that finds
 * its lock taken from it stops and goes back to the queue, instead of running on beside the
 * run that now holds it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunExecutor } from '../src/server/scheduler/run-worker';
import type { Services } from '../src/server/services';
import { waitFor } from './support/http';
import { startTestRedis, type TestRedis } from './support/redis-server';
import { testServices } from './support/services';

let redis: TestRedis;
const opened: Services[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
});

afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
  const probe = testServices(redis.url);
  await probe.redis.flushall();
  await probe.close();
});

afterAll(async () => {
  await redis?.stop();
});

describe('run lock', () => {
  it('a run whose lock is taken from it is stopped, and runs again once the lock is free', async () => {
    const attempts: { aborted: boolean }[] = [];
    const executor: RunExecutor = {
      async execute(req, opts) {
        const attempt = { aborted: false };
        attempts.push(attempt);
        // The first attempt runs until it is stopped; the next one finishes at once.
        if (attempts.length === 1) {
          await new Promise<void>((resolve) =>
            opts?.signal?.addEventListener('abort', () => resolve(), { once: true }),
          );
          attempt.aborted = true;
          return { status: 'failed', symbols: [], error: 'cancelled' };
        }
        return {
          status: 'completed',
          symbols: req.symbols.map((s) => ({ symbol: s, status: 'ok' as const, bars: 1 })),
          error: null,
        };
      },
    };
    // A 2 s lock is renewed every 667 ms.
    const services = testServices(redis.url, { RUN_LOCK_SECONDS: '2' }, { executor });
    opened.push(services);
    const { job_id } = await services.registry.create({
      name: 'lock',
      stock_ids: ['AAPL'],
      schedule_time: '03:00',
    });
    await services.startScheduler();
    const run = await services.scheduler.runNow(job_id);
    const lockKey = `scheduler:job_lock:${job_id}`;
    await waitFor(
      'the run to hold the lock',
      async () => (await services.redis.get(lockKey)) === run.run_id,
    );

    // Another holder, as after this process stalled past the lock's TTL.
    await services.redis.set(lockKey, 'another-run', 'PX', 1500);
    await waitFor('the run to be stopped', async () => attempts[0]?.aborted === true, 10_000);
    const finished = await waitFor(
      'the run to finish once the lock is free',
      async () => {
        const stored = await services.runs.get(run.run_id);
        return stored?.status === 'completed' ? stored : undefined;
      },
      20_000,
    );
    expect(attempts).toHaveLength(2);
    expect(finished.finished_at).not.toBeNull();
    expect(await services.redis.get(lockKey)).toBeNull();
  });
});
