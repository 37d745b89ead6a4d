/**
 * The hand-over of upstream triggers on a real Redis: a consumer that died after reading a
 * trigger (before queueing it), or after queueing it (before acknowledging it), loses nothing
 * and doubles nothing: a live consumer claims the entry and queues the same run. And a run
 * that records its finish twice (a retry after a crash past its finish) owes one trigger.
 */
import { Queue } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { keys } from '../src/server/keys';
import { RunQueue } from '../src/server/scheduler/run-queue';
import { buildRun } from '../src/server/scheduler/run-record';
import type { Services } from '../src/server/services';
import { waitFor } from './support/http';
import { startTestRedis, type TestRedis } from './support/redis-server';
import { instantExecutor, testServices } from './support/services';

let redis: TestRedis;
let services: Services;

beforeAll(async () => {
  redis = await startTestRedis();
  services = testServices(redis.url, {}, { executor: instantExecutor });
});

afterAll(async () => {
  await services?.close();
  await redis?.stop();
});

it('a trigger read or queued by a consumer that died becomes exactly one run', async () => {
  const up = await services.registry.create({
    name: 'Up',
    stock_ids: ['AAPL'],
    schedule_time: '03:00',
  });
  const down = await services.registry.create({
    name: 'Down',
    stock_ids: ['MSFT'],
    schedule: { kind: 'after', jobs: [up.job_id], when: 'always', wait: 'any' },
  });
  // Two upstream runs finish (their finish step records the triggers).
  const upRuns = ['r-read', 'r-queued'].map((runId) =>
    buildRun(up, { run_id: runId, trigger: 'manual' }, new Date(), {
      status: 'completed',
      finished_at: new Date().toISOString(),
    }),
  );
  for (const run of upRuns) {
    await services.runs.record(run, { action: 'finished', jobStatus: 'completed', finished: true });
    // The same finish recorded again (a retry) owes nothing more.
    await services.runs.record(run, { action: 'finished', jobStatus: 'completed', finished: true });
  }
  expect(await services.redis.xlen(keys.upstreamTriggers)).toBe(2);

  // A consumer of another instance reads both and dies; it had queued the second one.
  const r = services.redis;
  await r.xgroup('CREATE', keys.upstreamTriggers, keys.upstreamGroup, '0', 'MKSTREAM');
  const read = (await r.xreadgroup(
    'GROUP',
    keys.upstreamGroup,
    'dead-instance',
    'COUNT',
    10,
    'STREAMS',
    keys.upstreamTriggers,
    '>',
  )) as [string, [string, string[]][]][];
  const entries = read[0]![1];
  expect(entries).toHaveLength(2);
  const second = JSON.parse(entries[1]![1][1]!) as { job_id: string; upstream: never[] };
  const deadQueue = new RunQueue(services.connect(), { RUN_ATTEMPTS: 1 }, services.logger);
  await deadQueue.addUpstreamRun(second);
  await deadQueue.close();

  // This instance's consumer claims them once they have been idle long enough.
  await services.startScheduler();
  const runs = await waitFor(
    'both downstream runs',
    async () => {
      const list = await services.runs.list(down.job_id);
      return list.length >= 2 && list.every((x) => x.finished_at) ? list : undefined;
    },
    60_000,
  );
  await waitFor('the triggers acknowledged', async () => {
    const pending = (await r.xpending(keys.upstreamTriggers, keys.upstreamGroup)) as [number];
    return pending[0] === 0 && (await r.xlen(keys.upstreamTriggers)) === 0;
  });
  const queue = new Queue(keys.queueName, {
    connection: services.connect(),
    prefix: keys.queuePrefix,
  });
  const counts = await queue.getJobCounts('completed', 'waiting', 'active', 'delayed');
  await queue.close();
  expect(counts).toMatchObject({ waiting: 0, active: 0, delayed: 0 });
  expect((await services.runs.list(down.job_id)).length).toBe(2);
  expect(runs.map((x) => x.upstream?.[0]?.run_id).sort()).toEqual(['r-queued', 'r-read']);
  expect(runs.every((x) => x.trigger === 'upstream' && x.status === 'completed')).toBe(true);
}, 90_000);
