/**
 * GET /metrics over real HTTP against real Redis: the series of CONTRACT.md section 9, and the
 * process counters moved by real runs (the replay server over HTTP) and a real webhook.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startReplayServer, type ReplayServer } from '../src/replay/replay-server';
import { keys } from '../src/server/keys';
import type { Services } from '../src/server/services';
import { serveApi } from './support/app-handler-server';
import { waitFor } from './support/http';
import { startTestRedis, type TestRedis } from './support/redis-server';
import { testServices } from './support/services';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver';

let redis: TestRedis;
let replay: ReplayServer;
let hook: WebhookReceiver;
let services: Services;
let server: { base: string; close(): void };
let base: string;

beforeAll(async () => {
  redis = await startTestRedis();
  replay = await startReplayServer({ synthetic: true, unknownSymbols: ['NOPE'] });
  hook = await startWebhookReceiver();
  services = testServices(redis.url, {
    YAHOO_BASE_URL: replay.url,
    PROVIDER_MAX_ATTEMPTS: '1',
    SUMMARY_TIME: 'off',
  });
  server = await serveApi(services);
  base = server.base;
});

afterAll(async () => {
  server?.close();
  await services?.close();
  await hook?.close();
  await replay?.close();
  await redis?.stop();
});

/** Every sample of the scrape, by its series and labels as written (`name{a="b"}`). */
async function samples(): Promise<Map<string, number>> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (m) out.set(m[1]!, Number(m[2]));
  }
  return out;
}

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

it('counts the runs, their durations, the provider requests and the notifications made', async () => {
  await services.startScheduler({ dispatch: false });
  const good = await services.registry.create({
    name: 'Counted',
    stock_ids: ['AAPL', 'MSFT'],
    schedule_time: '17:00',
  });
  const bad = await services.registry.create({
    name: 'Unknown',
    stock_ids: ['NOPE'],
    schedule_time: '17:00',
  });
  await services.channels.create({
    kind: 'webhook',
    name: 'Counted hook',
    url: hook.url,
    format: 'json',
    events: ['run.failed'],
    job_ids: null,
  });
  const before = await samples();
  for (const job of [good, bad]) {
    const run = await services.scheduler.runNow(job.job_id);
    await waitFor('the run', async () => (await services.runs.get(run.run_id))?.finished_at);
  }
  await hook.waitForRequests(1);
  const after = await waitFor('the delivery counted', async () => {
    const now = await samples();
    const key = 'stock_scheduler_notifications_total{kind="webhook",outcome="delivered"}';
    return (now.get(key) ?? 0) > (before.get(key) ?? 0) ? now : null;
  });
  const delta = (key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);
  expect(delta('stock_scheduler_runs_total{status="completed"}')).toBe(1);
  expect(delta('stock_scheduler_runs_total{status="failed"}')).toBe(1);
  expect(delta('stock_scheduler_run_duration_seconds_count')).toBe(2);
  expect(delta('stock_scheduler_run_duration_seconds_bucket{le="+Inf"}')).toBe(2);
  expect(delta('stock_scheduler_provider_requests_total{outcome="ok"}')).toBe(2);
  expect(delta('stock_scheduler_provider_requests_total{outcome="unknown_symbol"}')).toBe(1);
  expect(delta('stock_scheduler_notifications_total{kind="webhook",outcome="delivered"}')).toBe(1);
});
