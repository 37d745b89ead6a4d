/**
 * data.stale: a symbol of an active job whose series lacks the last session closed
 * STALE_AFTER_MINUTES ago is reported once per symbol and session, however many checks and
 * instances; a stopped job's symbols are not. Real Redis, BullMQ and webhook receiver.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Services } from '../src/server/services';
import { deliveriesSettled } from './support/deliveries';
import { serveApi } from './support/app-handler-server';
import { startTestRedis, type TestRedis } from './support/redis-server';
import { testServices } from './support/services';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver';

let redis: TestRedis;
let a: Services;
let b: Services;
let hook: WebhookReceiver;

beforeAll(async () => {
  redis = await startTestRedis();
  hook = await startWebhookReceiver();
  a = testServices(redis.url, { SUMMARY_TIME: 'off' });
  b = testServices(redis.url, { SUMMARY_TIME: 'off' });
});

afterAll(async () => {
  await a?.close();
  await b?.close();
  await hook?.close();
  await redis?.stop();
});

it('reports each stale symbol of an active fetch job once per session', async () => {
  const active = await a.registry.create({
    name: 'Never fetched',
    stock_ids: ['AAPL'],
    schedule_time: '17:00',
  });
  await a.registry.create({
    name: 'Stopped',
    stock_ids: ['MSFT'],
    schedule_time: '17:00',
    is_active: false,
  });
  // An analyze job fetches nothing: its symbol is not reported.
  await a.registry.create({
    name: 'Analysis',
    stock_ids: ['GOOG'],
    schedule_time: '17:00',
    task: 'analyze',
    analysis: { indicators: ['sma:2'], price: 'close', signals: [] },
  });
  await a.channels.create({
    kind: 'webhook',
    name: 'Stale',
    url: hook.url,
    format: 'json',
    events: ['data.stale'],
    job_ids: [active.job_id],
  });
  await Promise.all([a.startScheduler({ dispatch: false }), b.startScheduler({ dispatch: false })]);
  const checks = await Promise.all([a.notifier.checkStale(), b.notifier.checkStale()]);
  await a.notifier.checkStale();
  expect(checks.flat().length).toBeLessThanOrEqual(1);

  const [req] = await hook.waitForRequests(1);
  const body = JSON.parse(req!.body) as { event: string; text: string; symbols: string[] };
  expect(body.event).toBe('data.stale');
  expect(body.symbols).toEqual(['AAPL']);
  expect(body.text).toContain('No data yet for AAPL');
  await deliveriesSettled(a);
  expect(hook.requests).toHaveLength(1);

  const api1 = await serveApi(a);
  const metrics = await (await fetch(`${api1.base}/metrics`)).text();
  api1.close();
  expect(metrics).toContain('stock_scheduler_stale_symbols 1\n');
});
