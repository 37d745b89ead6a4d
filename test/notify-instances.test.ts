/**
 * Deliveries across three real server processes on one Redis: a webhook that fails, then hangs
 * while the process holding the attempt is killed with SIGKILL, then answers 200 gets exactly
 * one delivery, three attempts and no duplicate.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startApp, type AppProcess } from './support/app-server';
import { api, waitFor } from './support/http';
import { startTestRedis, type TestRedis } from './support/redis-server';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver';

let redis: TestRedis;
let conn: Redis;
let hook: WebhookReceiver;
let apps: AppProcess[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  conn = new Redis(redis.url);
  hook = await startWebhookReceiver();
  const env = {
    REDIS_URL: redis.url,
    SCHEDULER_TIMEZONE: 'UTC',
    NOTIFY_BACKOFF_MS: '300',
    // A killed process's attempt is taken over once its lock (this long) runs out.
    RUN_LOCK_SECONDS: '2',
    NOTIFY_TIMEOUT_MS: '60000',
  };
  apps = await Promise.all([startApp({ env }), startApp({ env }), startApp({ env })]);
});

afterAll(async () => {
  await Promise.all(apps.map((a) => a.stop()));
  conn?.disconnect();
  await hook?.close();
  await redis?.stop();
});

it('one delivery, three attempts, no duplicate, with the holder killed mid-attempt', async () => {
  const created = await api<{ channel_id: string }>(apps[0]!.url, 'POST', '/scheduler/channels', {
    kind: 'webhook',
    name: 'Shared hook',
    url: hook.url,
    secret: 'shared-hook-secret',
    events: ['test'],
  });
  expect(created.status).toBe(201);
  hook.script(500, 'hang');
  const sent = await api<{ delivery_id: string }>(
    apps[1]!.url,
    'POST',
    `/scheduler/channels/${created.body.channel_id}/test`,
  );
  expect(sent.status).toBe(202);
  const id = sent.body.delivery_id;

  await hook.waitForRequests(2);
  // The process whose attempt hangs: its pid is in the instance id it wrote on the record.
  const holder = await waitFor('the holder', async () => {
    const instance = await conn.hget(`scheduler:delivery:${id}`, 'instance');
    const attempts = Number(await conn.hget(`scheduler:delivery:${id}`, 'attempts'));
    return attempts === 2 ? apps.find((a) => instance?.includes(`:${a.child.pid}:`)) : null;
  });
  await holder.kill();
  const live = apps.find((a) => a !== holder)!;

  const delivery = await waitFor('the delivery', async () => {
    const { body } = await api<{
      deliveries: { delivery_id: string; status: string; attempts: number }[];
    }>(live.url, 'GET', '/scheduler/deliveries');
    const d = body.deliveries.find((x) => x.delivery_id === id);
    return d?.status === 'delivered' ? d : null;
  });
  // Completed in BullMQ: no attempt can follow.
  await waitFor('the job completed', async () =>
    conn.hget(`scheduler:bull:notifications:${id}`, 'finishedOn'),
  );
  expect(delivery.attempts).toBe(3);
  expect(hook.requests).toHaveLength(3);
  expect(new Set(hook.requests.map((r) => r.headers['x-stock-scheduler-delivery'])).size).toBe(1);
  const list = await api<{ deliveries: unknown[] }>(live.url, 'GET', '/scheduler/deliveries');
  expect(list.body.deliveries).toHaveLength(1);
});
