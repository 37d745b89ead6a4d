/**
 * The run's steps as Redis scripts (RunHistory.begin / record) and fires claimed ahead of their
 * time: against a real redis-server, with the real dispatcher and BullMQ worker in this process.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../src/domain/job-definition';
import type { RunExecutor } from '../src/server/scheduler/run-worker';
import type { Services } from '../src/server/services';
import { sleep, waitFor } from './support/http';
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

/** Records when each run's work began, and takes `workMs` to do it. */
function recordingExecutor(workMs = 0) {
  const began: { run_id: string; at: number }[] = [];
  const executor: RunExecutor = {
    async execute(req) {
      began.push({ run_id: req.run_id, at: Date.now() });
      if (workMs) await sleep(workMs);
      return {
        status: 'completed',
        symbols: req.symbols.map((s) => ({ symbol: s, status: 'ok' as const, bars: 1 })),
        error: null,
      };
    },
  };
  return { began, executor };
}

function open(executor?: RunExecutor): Services {
  const services = testServices(redis.url, {}, executor ? { executor } : {});
  opened.push(services);
  return services;
}

/** A finished manual run of `jobId`, as the worker records it. */
function finishedRun(jobId: string, overrides: Partial<Run> = {}): Run {
  return {
    run_id: 'run-1',
    job_id: jobId,
    trigger: 'manual',
    start: '2026-10-27',
    end: '2026-11-26',
    scheduled_for: null,
    started_at: '2026-11-26T15:00:00.000Z',
    finished_at: '2026-11-26T15:00:02.000Z',
    status: 'completed',
    symbols: [],
    error: null,
    ...overrides,
  };
}

/** A once-a-day 6-field cron (UTC) firing at `at`, whole seconds. */
const cronAt = (at: number) => {
  const d = new Date(at);
  return `${d.getUTCSeconds()} ${d.getUTCMinutes()} ${d.getUTCHours()} * * *`;
};
const wholeSecondIn = (ms: number) => Math.ceil((Date.now() + ms) / 1000) * 1000;

describe('run steps', () => {
  it('a finished run sets status, last_run and last_run_status in the stored job, nothing else', async () => {
    const services = open();
    // A name made of the very text the script replaces.
    const name = 'x","status":"pending","last_run":null,"last_run_status":null,"y":"';
    const { job_id } = await services.registry.create({
      name,
      stock_ids: ['AAPL'],
      schedule_time: '10:00',
    });
    const before = JSON.parse((await services.registry.getRaw(job_id))!) as Record<string, unknown>;
    const version = Number(await services.redis.get('scheduler:jobs_version'));
    const began = await services.runs.begin(job_id, 'run-1', 60_000, 'test');
    expect(began.locked).toBe(true);
    expect(began.run).toBeNull();
    expect(JSON.parse(began.job!)).toEqual(before);
    expect(await services.redis.get(`scheduler:job_lock:${job_id}`)).toBe('run-1');
    // Another run of the job cannot take the lock.
    expect((await services.runs.begin(job_id, 'run-2', 60_000, 'test')).locked).toBe(false);

    const run = finishedRun(job_id, { status: 'partial' });
    const stored = await services.runs.record(run, {
      action: 'finished',
      jobStatus: 'partial',
      finished: true,
      releaseLock: true,
    });
    const after = JSON.parse((await services.registry.getRaw(job_id))!) as Record<string, unknown>;
    expect(JSON.parse(stored!)).toEqual(after);
    expect(after).toEqual({
      ...before,
      status: 'partial',
      last_run_status: 'partial',
      last_run: '2026-11-26T15:00:00.000Z',
    });
    expect(after.name).toBe(name);
    expect(Number(await services.redis.get('scheduler:jobs_version'))).toBe(version + 1);
    expect(await services.redis.get(`scheduler:job_lock:${job_id}`)).toBeNull();
    expect(await services.runs.get('run-1')).toEqual(run);

    const [newest] = await services.redis.xrevrange('scheduler:events', '+', '-', 'COUNT', 1);
    expect(JSON.parse(newest![1][1]!)).toEqual({
      type: 'run',
      action: 'finished',
      job_id,
      run,
      job: after,
    });
  });

  it('a run of a deleted job writes nothing and still frees the lock', async () => {
    const services = open();
    const { job_id } = await services.registry.create({
      name: 'gone',
      stock_ids: ['AAPL'],
      schedule_time: '10:00',
    });
    await services.runs.begin(job_id, 'run-1', 60_000, 'test');
    await services.registry.delete(job_id);
    await services.redis.set(`scheduler:job_lock:${job_id}`, 'run-1');
    const result = await services.runs.record(finishedRun(job_id), {
      action: 'finished',
      jobStatus: 'completed',
      finished: true,
      releaseLock: true,
    });
    expect(result).toBeNull();
    for (const pattern of ['scheduler:job:*', 'scheduler:job_runs:*', 'scheduler:job_lock:*'])
      expect(await services.redis.keys(pattern)).toEqual([]);
    expect(await services.redis.keys('scheduler:run:*')).toEqual([]);
  });
});

describe('fires claimed ahead of their time', () => {
  it('are queued before the fire time, start at it, never before, and move next_run then', async () => {
    const { began, executor } = recordingExecutor();
    const services = open(executor);
    const fire = wholeSecondIn(3000);
    const { job_id } = await services.registry.create({
      name: 'ahead',
      stock_ids: ['AAPL'],
      schedule: { kind: 'cron', expression: cronAt(fire) },
      timezone: 'UTC',
    });
    await services.startScheduler();
    // Claimed (queued as a delayed run) before its time, while next_run still shows it.
    const queued = await waitFor(
      'the fire to be queued',
      () => services.scheduler.queue.getJob(`fire:${job_id}:${fire}`),
      5000,
    );
    expect(queued.timestamp).toBeLessThan(fire);
    expect((await services.registry.get(job_id))!.next_run).toBe(new Date(fire).toISOString());
    // The due set already holds the following fire; the status still names this one.
    expect(Number(await services.redis.zscore('scheduler:due', job_id))).toBe(fire + 86_400_000);
    expect((await services.scheduler.status()).next_run).toEqual({
      job_id,
      at: new Date(fire).toISOString(),
    });

    const job = await waitFor(
      'the run to finish',
      async () => {
        const j = await services.registry.get(job_id);
        return j?.last_run ? j : undefined;
      },
      10_000,
    );
    const [run] = await services.runs.list(job_id);
    expect(run).toMatchObject({ status: 'completed', scheduled_for: new Date(fire).toISOString() });
    expect(Date.parse(run!.started_at)).toBeGreaterThanOrEqual(fire);
    expect(began).toHaveLength(1);
    expect(began[0]!.at).toBeGreaterThanOrEqual(fire);
    expect(job.next_run).toBe(new Date(fire + 86_400_000).toISOString());
    expect(Number(await services.redis.zscore('scheduler:due', job_id))).toBe(fire + 86_400_000);
  });

  it('a fire already queued does not run once its job is stopped or given another time', async () => {
    const { began, executor } = recordingExecutor();
    const services = open(executor);
    const fire = wholeSecondIn(3000);
    const create = (name: string) =>
      services.registry.create({
        name,
        stock_ids: ['AAPL'],
        schedule: { kind: 'cron', expression: cronAt(fire) },
        timezone: 'UTC',
      });
    const stopped = await create('stopped');
    const moved = await create('moved');
    const kept = await create('kept');
    await services.startScheduler();
    for (const { job_id } of [stopped, moved, kept]) {
      await waitFor(
        'the fire to be queued',
        () => services.scheduler.queue.getJob(`fire:${job_id}:${fire}`),
        5000,
      );
    }
    expect(Date.now()).toBeLessThan(fire);
    await services.registry.stop(stopped.job_id);
    const later = fire + 3_600_000;
    await services.registry.update(moved.job_id, {
      schedule: { kind: 'cron', expression: cronAt(later) },
    });
    // Of the three queued fires, the status names the one that will still run.
    expect((await services.scheduler.status()).next_run).toEqual({
      job_id: kept.job_id,
      at: new Date(fire).toISOString(),
    });

    await waitFor(
      'the kept job to run',
      async () => (await services.registry.get(kept.job_id))?.last_run ?? undefined,
      10_000,
    );
    await sleep(500);
    expect(await services.runs.list(stopped.job_id)).toEqual([]);
    expect(await services.runs.list(moved.job_id)).toEqual([]);
    expect(began).toHaveLength(1);
    expect((await services.registry.get(stopped.job_id))!.next_run).toBeNull();
    expect((await services.registry.get(moved.job_id))!.next_run).toBe(
      new Date(later).toISOString(),
    );
  });
});
