/** GET /metrics over real HTTP against real Redis: the series of CONTRACT.md section 9. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { keys } from '../src/server/keys';
import type { Services } from '../src/server/services';
import { serveApi } from './support/app-handler-server';
import { startTestRedis, type TestRedis } from './support/redis-server';
import { testServices } from './support/services';

let redis: TestRedis;
let services: Services;
let server: { base: string; close(): void };
let base: string;

beforeAll(async () => {
  redis = await startTestRedis();
  services = testServices(redis.url);
  server = await serveApi(services);
  base = server.base;
});

afterAll(async () => {
  server?.close();
  await services?.close();
  await redis?.stop();
});

it('answers the contract series in Prometheus text format, per job from Redis', async () => {
  const job = await services.registry.create({
    name: 'Metered',
    stock_ids: ['AAPL'],
    schedule_time: '17:00',
  });
  const stopped = await services.registry.create({
    name: 'Stopped',
    stock_ids: ['MSFT'],
    schedule_time: '17:00',
    is_active: false,
  });
  await services.redis.hset(keys.jobLastSuccess, job.job_id, '1764600000000', 'deleted-job', '1');
  const res = await fetch(`${base}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  const text = await res.text();
  const nextRun = Date.parse(job.next_run!) / 1000;
  expect(text).toContain(
    `stock_scheduler_job_next_run_timestamp_seconds{job_id="${job.job_id}"} ${nextRun}`,
  );
  expect(text).not.toContain(`next_run_timestamp_seconds{job_id="${stopped.job_id}"}`);
  expect(text).toContain(
    `stock_scheduler_job_last_success_timestamp_seconds{job_id="${job.job_id}"} 1764600000`,
  );
  expect(text).not.toContain('deleted-job');
  for (const series of [
    '# TYPE stock_scheduler_runs_total counter',
    '# TYPE stock_scheduler_run_duration_seconds histogram',
    '# TYPE stock_scheduler_provider_requests_total counter',
    '# TYPE stock_scheduler_notifications_total counter',
    'stock_scheduler_queued_runs 0',
    'stock_scheduler_stale_symbols ',
    'process_cpu_user_seconds_total',
    'nodejs_heap_size_total_bytes',
  ]) {
    expect(text).toContain(series);
  }
});
