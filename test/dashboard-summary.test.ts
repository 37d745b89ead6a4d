/**
 * The dashboard's "today" counts count runs, not jobs: every run of every job that started
 * since local midnight in the scheduler's zone, against a real redis-server.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../src/domain/job-definition';
import type { Services } from '../src/server/services';
import { createContextInner } from '../src/server/trpc/context';
import { createCaller } from '../src/server/trpc/root';
import { startTestRedis, type TestRedis } from './support/redis-server';
import { testServices } from './support/services';

let redis: TestRedis;
let services: Services;

beforeAll(async () => {
  redis = await startTestRedis();
  services = testServices(redis.url, { SCHEDULER_TIMEZONE: 'Asia/Tokyo' });
});

afterAll(async () => {
  await services?.close();
  await redis?.stop();
});

function run(jobId: string, status: Run['status'], startedMs: number): Run {
  return {
    run_id: randomUUID(),
    job_id: jobId,
    trigger: 'manual',
    start: '2026-11-01',
    end: '2026-11-30',
    scheduled_for: null,
    started_at: new Date(startedMs).toISOString(),
    finished_at: new Date(startedMs).toISOString(),
    status,
    symbols: [],
    error: status === 'failed' ? 'all 1 symbol failed' : null,
  };
}

describe('scheduler.dashboard summary', () => {
  it('counts each run of today, a morning failure as well as the later successes', async () => {
    const api = createCaller(createContextInner({ services }));
    const a = await api.jobs.create({ name: 'A', stock_ids: ['AAPL'], schedule_time: '17:00' });
    const b = await api.jobs.create({ name: 'B', stock_ids: ['MSFT'], schedule_time: '17:00' });

    const before = await api.scheduler.dashboard();
    const since = Date.parse(before.summary.today.since);
    const now = Date.now();
    // Tokyo has no DST: today began at 00:00 +09:00.
    expect(before.summary.today).toMatchObject({ timezone: 'Asia/Tokyo' });
    expect(new Date(since + 9 * 3_600_000).toISOString()).toBe(
      `${before.summary.today.date}T00:00:00.000Z`,
    );
    const at = (k: number) => Math.min(now, since + k * 1000);
    for (const r of [
      run(a.job_id, 'failed', at(1)),
      run(a.job_id, 'completed', at(2)),
      run(a.job_id, 'completed', at(3)),
      run(b.job_id, 'partial', at(4)),
      run(b.job_id, 'completed', at(5)),
      run(b.job_id, 'running', at(6)),
      // Yesterday's: not counted.
      run(b.job_id, 'failed', since - 60_000),
      run(b.job_id, 'completed', since - 1),
    ]) {
      await services.runs.save(r);
    }

    const { summary } = await api.scheduler.dashboard();
    expect(summary).toMatchObject({
      total: 2,
      completed_today: 3,
      failed_today: 2,
      partial_today: 1,
    });
  });
});
