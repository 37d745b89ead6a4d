/**
 * 1,000 live dashboards on one server process share one Redis connection: a test client opens
 * 1,000 `events.onChange` SSE subscriptions over HTTP and counts Redis's CLIENT LIST before,
 * during and after; one more than SUBSCRIPTIONS_MAX is refused, saying so; and every open
 * subscription still gets a change made meanwhile.
 */
import http from 'node:http';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type AppProcess } from './support/app-server';
import { api, waitFor } from './support/http';
import { startTestRedis, type TestRedis } from './support/redis-server';

const SUBSCRIPTIONS = 1000;
let redis: TestRedis;
let app: AppProcess;
let client: Redis;

beforeAll(async () => {
  redis = await startTestRedis();
  client = new Redis(redis.url);
  app = await startApp({
    env: { REDIS_URL: redis.url, SUBSCRIPTIONS_MAX: String(SUBSCRIPTIONS) },
  });
  // The port is bound before the scheduler starts: count the clients once its connections
  // (queue, worker, heartbeats, notifier) are open, so only the subscriptions' cost is measured.
  await app.waitForLog(/Scheduler loop started/);
});

afterAll(async () => {
  client?.disconnect();
  await app?.stop();
  await redis?.stop();
});

const clientList = async () =>
  String(await client.client('LIST'))
    .trim()
    .split('\n');
const clients = async () => (await clientList()).length;
const readers = async () =>
  (await clientList()).filter((l) => l.includes('name=stock-scheduler:events')).length;

interface Stream {
  text: () => string;
  close: () => void;
}

/** Opens one subscription as the browser's EventSource does, and waits for its start. */
function subscribe(): Promise<Stream> {
  return new Promise((resolve, reject) => {
    let text = '';
    const req = http.get(
      `${app.url}/api/trpc/events.onChange`,
      { agent: false, headers: { accept: 'text/event-stream' } },
      (res) => {
        res.setEncoding('utf8');
        // The first event after tRPC's own "connected": a sync, or the error refusing it.
        res.on('data', (chunk: string) => {
          text += chunk;
          if (/"type":"sync"|event: serialized-error/.test(text))
            resolve({ text: () => text, close });
        });
        res.on('error', () => undefined);
      },
    );
    const close = () => req.destroy();
    req.on('error', (error) => {
      if (!text) reject(error);
    });
  });
}

describe('live subscriptions', () => {
  it('1,000 open subscriptions use one Redis connection; one more is refused clearly', async () => {
    const before = await clients();
    const streams: Stream[] = [];
    try {
      for (let i = 0; i < SUBSCRIPTIONS; i += 100) {
        streams.push(...(await Promise.all(Array.from({ length: 100 }, () => subscribe()))));
      }
      for (const s of streams) expect(s.text()).toMatch(/"type":"sync"/);
      const during = await clients();
      // The reader, and at most one connection the process opens lazily meanwhile.
      console.log(
        `Redis clients with ${SUBSCRIPTIONS} subscriptions: ${before} before, ${during} during`,
      );
      expect(during - before).toBeLessThanOrEqual(2);

      const refused = await subscribe();
      expect(refused.text()).toMatch(/SUBSCRIPTIONS_MAX=1000/);
      refused.close();

      // A change reaches every one of them.
      const { body } = await api<{ job_id: string }>(app.url, 'POST', '/scheduler/jobs', {
        name: 'seen by all',
        stock_ids: ['AAPL'],
        schedule_time: '17:00',
      });
      await waitFor('the change on every subscription', async () =>
        streams.every((s) => s.text().includes(body.job_id)),
      );
    } finally {
      for (const s of streams) s.close();
    }
    await waitFor('the reader closed with the last subscription', async () => {
      return (await readers()) === 0;
    });
  });
});
