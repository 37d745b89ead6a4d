/**
 * The daily summary: its counts are those of the run records of the last 24 hours (real runs
 * against the replay server), it is sent once per day however often instances ask, and only
 * once SUMMARY_TIME has come.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startReplayServer, type ReplayServer } from '../src/replay/replay-server';
import { claimDailySummary } from '../src/server/notifications/daily-summary';
import type { Services } from '../src/server/services';
import { startTestRedis, type TestRedis } from './support/redis-server';
import { runToEnd, testServices } from './support/services';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver';

let redis: TestRedis;
let replay: ReplayServer;
let services: Services;
let hook: WebhookReceiver;

beforeAll(async () => {
  redis = await startTestRedis();
  replay = await startReplayServer({ synthetic: true, unknownSymbols: ['NOPE'] });
  hook = await startWebhookReceiver();
  services = testServices(redis.url, {
    YAHOO_BASE_URL: replay.url,
    PROVIDER_MAX_ATTEMPTS: '1',
    SUMMARY_TIME: 'off',
  });
  await services.startScheduler({ dispatch: false });
});

afterAll(async () => {
  await services?.close();
  await hook?.close();
  await replay?.close();
  await redis?.stop();
});

it('counts the run records of the last 24 hours, once a day, from SUMMARY_TIME on', async () => {
  await services.channels.create({
    kind: 'webhook',
    name: 'Summary',
    url: hook.url,
    format: 'json',
    events: ['summary.daily'],
    job_ids: null,
  });
  const good = await services.registry.create({
    name: 'Good',
    stock_ids: ['AAPL'],
    schedule_time: '17:00',
  });
  const bad = await services.registry.create({
    name: 'Bad',
    stock_ids: ['NOPE'],
    schedule_time: '17:00',
  });
  const half = await services.registry.create({
    name: 'Half',
    stock_ids: ['AAPL', 'NOPE'],
    schedule_time: '17:00',
  });
  for (const job of [good, good, bad, half]) await runToEnd(services, job.job_id);

  const records = (
    await Promise.all([good, bad, half].map((j) => services.runs.list(j.job_id)))
  ).flat();
  const expected = {
    runs: records.length,
    completed: records.filter((r) => r.status === 'completed').length,
    failed: records.filter((r) => r.status === 'failed').length,
    partial: records.filter((r) => r.status === 'partial').length,
  };
  expect(expected).toEqual({ runs: 4, completed: 2, failed: 1, partial: 1 });

  const now = Date.now();
  const at = new Date(now - 60_000).toISOString().slice(11, 16);
  const later = new Date(now + 3600_000).toISOString().slice(11, 16);
  const ask = (time: string) =>
    claimDailySummary(services.redis, { now, zone: 'UTC', time, staleSymbols: async () => 0 });
  // Not yet due an hour before its time (unless the hour wraps past midnight).
  if (later > at) expect(await ask(later)).toBeNull();
  const event = await ask(at);
  expect(event?.summary).toMatchObject({ ...expected, missed: 0, stale_symbols: 0 });
  expect(await ask(at)).toBeNull();

  await services.notifier.publish(event!);
  const [req] = await hook.waitForRequests(1);
  const body = JSON.parse(req!.body) as { event: string; text: string };
  expect(body.event).toBe('summary.daily');
  expect(body.text).toContain('4 runs, 2 completed, 1 failed, 1 partial, 0 missed fires');
});
