import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createContextInner } from '../src/server/trpc/context';
import { createCaller } from '../src/server/trpc/root';
import { issuesOf } from '../src/server/trpc/trpc';
import type { Services } from '../src/server/services';
import { startTestRedis, type TestRedis } from './support/redis-server';
import { testServices } from './support/services';
import { isNextDailyOccurrence } from './support/time';

let redis: TestRedis;
let services: Services;
let caller: ReturnType<typeof createCaller>;

beforeAll(async () => {
  redis = await startTestRedis();
  services = testServices(redis.url);
  caller = createCaller(createContextInner({ services }));
});

afterEach(async () => {
  await services.redis.flushall();
});

afterAll(async () => {
  await services?.close();
  await redis?.stop();
});

async function indexMatchesKeys() {
  const index = JSON.parse((await services.redis.get('scheduler:job_index')) ?? '[]') as string[];
  const jobKeys = (await services.redis.keys('scheduler:job:*')).map((k) =>
    k.slice('scheduler:job:'.length),
  );
  return { index, jobKeys };
}

describe('jobs router (createCaller)', () => {
  it('creates with normalised symbols and both schedule forms stored', async () => {
    const { job_id } = await caller.jobs.create({
      name: '  Mixed  ',
      stock_ids: ['aapl', 'brk-b', 'AAPL', '^gspc', 'eurusd=x', 'wsu.de'],
      schedule: { kind: 'daily', times: ['16:05', '09:30'], days: ['fri', 'mon'] },
      timezone: 'America/New_York',
    });
    const job = await caller.jobs.get({ job_id });
    expect(job.name).toBe('Mixed');
    expect(job.stock_ids).toEqual(['AAPL', 'BRK-B', '^GSPC', 'EURUSD=X', 'WSU.DE']);
    expect(job.schedule).toEqual({
      kind: 'daily',
      times: ['09:30', '16:05'],
      days: ['mon', 'fri'],
    });
    expect(job.schedule_time).toBe('09:30');
    const cron = await caller.jobs.create({
      name: 'c',
      stock_ids: ['X'],
      schedule: { kind: 'cron', expression: '*/15 9-16 * * 1-5' },
    });
    const cronJob = await caller.jobs.get({ job_id: cron.job_id });
    expect(cronJob.schedule_time).toBeNull();
    expect(cronJob.timezone).toBe('UTC');
    expect(Date.parse(cronJob.next_run!)).toBeGreaterThan(Date.now());
  });

  it('rejects bad input with the field named, storing nothing', async () => {
    const paths = async (input: Parameters<typeof caller.jobs.create>[0]) => {
      const error = await caller.jobs.create(input).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: 'BAD_REQUEST' });
      return issuesOf((error as { cause?: unknown }).cause)?.map((i) => i.path);
    };
    expect(await paths({ name: 'x', stock_ids: ['a b'], schedule_time: '17:00' })).toEqual([
      'stock_ids.0',
    ]);
    expect(await paths({ name: 'x', stock_ids: ['A'], schedule_time: '25:00' })).toEqual([
      'schedule_time',
    ]);
    expect(
      await paths({
        name: '',
        stock_ids: ['A:*'],
        schedule_time: '17:00',
        schedule: { kind: 'cron', expression: '* * * * *' },
      }),
    ).toEqual(expect.arrayContaining(['name', 'stock_ids.0']));
    expect(await services.redis.keys('scheduler:job:*')).toEqual([]);
  });

  it('updates keep next_run unless the timing changes', async () => {
    const { job_id } = await caller.jobs.create({
      name: 'n',
      stock_ids: ['A'],
      schedule_time: '10:00',
    });
    const before = await caller.jobs.get({ job_id });
    const renamed = await caller.jobs.update({ job_id, name: 'renamed' });
    expect(renamed.job.next_run).toBe(before.next_run);
    const moved = await caller.jobs.update({ job_id, schedule_time: '11:00' });
    expect(moved.job.next_run).not.toBe(before.next_run);
    expect(isNextDailyOccurrence(moved.job.next_run, '11:00', 'UTC')).toBe(true);
    expect(Number(await services.redis.zscore('scheduler:due', job_id))).toBe(
      Date.parse(moved.job.next_run!),
    );
    const zoned = await caller.jobs.update({ job_id, timezone: 'Asia/Kolkata' });
    expect(zoned.job.next_run).not.toBe(moved.job.next_run);
  });

  it('NOT_FOUND for an unknown job', async () => {
    await expect(caller.jobs.get({ job_id: 'missing' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(caller.jobs.delete({ job_id: 'missing' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('delete removes every key of the job', async () => {
    const { job_id } = await caller.jobs.create({
      name: 'n',
      stock_ids: ['A'],
      schedule_time: '10:00',
    });
    await caller.jobs.runNow({ job_id });
    expect(await services.redis.exists(`scheduler:job_runs:${job_id}`)).toBe(1);
    await caller.jobs.delete({ job_id });
    const left = (await services.redis.keys('scheduler:*')).filter(
      (k) => k.includes(job_id) && !k.startsWith('scheduler:bull'),
    );
    expect(left).toEqual([]);
    expect(await services.redis.zscore('scheduler:due', job_id)).toBeNull();
  });

  it('200 concurrent creates and deletes leave the index equal to the job keys', async () => {
    const seed = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        caller.jobs.create({ name: `seed ${i}`, stock_ids: ['A'], schedule_time: '10:00' }),
      ),
    );
    const ops: Promise<unknown>[] = [];
    for (let i = 0; i < 200; i++) {
      ops.push(
        caller.jobs.create({ name: `job ${i}`, stock_ids: ['AAPL'], schedule_time: '10:00' }),
      );
      if (i < seed.length) ops.push(caller.jobs.delete({ job_id: seed[i]!.job_id }));
    }
    await Promise.all(ops);
    const { index, jobKeys } = await indexMatchesKeys();
    expect(index.length).toBe(200);
    expect(new Set(index)).toEqual(new Set(jobKeys));
    expect(new Set(index).size).toBe(index.length);
    // Over tRPC a listing is a page (100 by default): ask for all 200.
    const list = await caller.jobs.list({ limit: 1000 });
    expect(list.total).toBe(200);
    expect(list.jobs.map((j) => j.job_id)).toEqual(index);
  });

  it('concurrent edits of one job lose nothing', async () => {
    const { job_id } = await caller.jobs.create({
      name: 'n',
      stock_ids: ['A'],
      schedule_time: '10:00',
    });
    await Promise.all([
      caller.jobs.update({ job_id, name: 'renamed' }),
      caller.jobs.update({ job_id, lookback_days: 90 }),
      caller.jobs.update({ job_id, stock_ids: ['B', 'C'] }),
      caller.jobs.stop({ job_id }),
    ]);
    const job = await caller.jobs.get({ job_id });
    expect(job).toMatchObject({
      name: 'renamed',
      lookback_days: 90,
      stock_ids: ['B', 'C'],
      is_active: false,
      next_run: null,
    });
  });
});
