/**
 * Redis down or full, against the real server process and a real redis-server: a request is
 * answered at once (503 "Redis is not reachable", 507 "maxmemory reached"), never hangs and
 * never carries out later what its client was told failed; reads keep working when Redis is
 * full; the scheduler carries on when Redis returns, with one log line for the outage.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type AppProcess } from './support/app-server';
import { api, waitFor } from './support/http';
import { startTestRedis, type TestRedis } from './support/redis-server';

let redis: TestRedis;
let app: AppProcess;
let client: Redis;

const job = (name: string) => ({ name, stock_ids: ['AAPL'], schedule_time: '17:00' });

/** A request with a client-side timeout, as a script gives one: the answer, or 'timeout'. */
async function call(method: string, path: string, body?: unknown, timeoutMs = 10_000) {
  try {
    const res = await fetch(`${app.url}${path}`, {
      method,
      signal: AbortSignal.timeout(timeoutMs),
      ...(body !== undefined && {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    });
    const text = await res.text();
    return { status: res.status, body: JSON.parse(text) as { message: string; code: string } };
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') return 'timeout' as const;
    throw error;
  }
}

beforeAll(async () => {
  redis = await startTestRedis();
  client = new Redis(redis.url, { maxRetriesPerRequest: null });
  client.on('error', () => undefined);
  app = await startApp({ env: { REDIS_URL: redis.url } });
});

afterAll(async () => {
  client?.disconnect();
  await app?.stop();
  await redis?.stop();
});

describe('Redis unreachable', () => {
  it('answers 503 at once, and a create its client saw fail never appears', async () => {
    const before = await api<{ job_id: string }>(app.url, 'POST', '/scheduler/jobs', job('kept'));
    expect(before.status).toBe(201);
    await redis.kill();
    try {
      const outcomes = [
        await call('POST', '/scheduler/jobs', job('created-during-outage')),
        await call('PUT', `/scheduler/jobs/${before.body.job_id}`, { name: 'renamed' }),
        await call('POST', `/scheduler/jobs/${before.body.job_id}/run`),
        await call('POST', `/scheduler/jobs/${before.body.job_id}/stop`),
        await call('GET', '/scheduler/jobs'),
        await call('GET', '/scheduler/jobs?q=kept'),
        await call('GET', `/scheduler/jobs/${before.body.job_id}`),
        await call('GET', '/scheduler/status'),
        await call('GET', '/scheduler/dashboard'),
        await call('GET', '/api/trpc/jobs.list'),
      ];
      for (const outcome of outcomes) {
        expect(outcome).not.toBe('timeout');
        if (outcome === 'timeout') continue;
        expect(outcome.status).toBe(503);
        const message =
          outcome.body.message ??
          (outcome.body as unknown as { error: { message: string } }).error.message;
        expect(message).toMatch(/^Redis is not reachable/);
      }
      expect((await call('GET', '/readyz')) as { status: number }).toMatchObject({ status: 503 });
    } finally {
      await redis.start();
    }
    await waitFor('readyz 200', async () => (await call('GET', '/readyz')) !== 'timeout');
    await waitFor('the API back', async () => {
      const res = await call('GET', '/scheduler/jobs');
      return res !== 'timeout' && res.status === 200;
    });
    // Give a command queued somewhere the time to land, then look: nothing from the outage.
    const created = await api<{ job_id: string }>(app.url, 'POST', '/scheduler/jobs', job('after'));
    expect(created.status).toBe(201);
    const listed = await api<{ jobs: { name: string; is_active: boolean }[] }>(
      app.url,
      'GET',
      '/scheduler/jobs',
    );
    expect(listed.body.jobs.map((j) => j.name)).toEqual(['kept', 'after']);
    expect(listed.body.jobs[0]!.is_active).toBe(true);
    const runs = await api<{ runs: unknown[] }>(
      app.url,
      'GET',
      `/scheduler/jobs/${before.body.job_id}/runs`,
    );
    expect(runs.body.runs).toEqual([]);
  });

  it('logs the outage once, not once per attempt, and the scheduler carries on after it', async () => {
    const mark = app.logs.length;
    await redis.kill();
    // Requests during the outage, and the scheduler's own loops retrying meanwhile.
    for (let i = 0; i < 10; i++) await call('GET', '/scheduler/jobs');
    await new Promise((r) => setTimeout(r, 3000));
    await redis.start();
    await waitFor('the API back', async () => {
      const res = await call('GET', '/scheduler/jobs');
      return res !== 'timeout' && res.status === 200;
    });
    const lines = app.logs.slice(mark).filter((l) => /redis/i.test(l));
    const down = lines.filter((l) => /"level":"warn"|"level":40/.test(l));
    expect(down.length, lines.join('\n')).toBe(1);
    // The scheduler still runs jobs: a 1-second cron job completes a run.
    const { body } = await api<{ job_id: string }>(app.url, 'POST', '/scheduler/jobs', {
      name: 'every second',
      stock_ids: ['AAPL'],
      schedule: { kind: 'cron', expression: '* * * * * *' },
    });
    await waitFor('a run after the outage', async () => {
      const runs = await api<{ runs: { status: string }[] }>(
        app.url,
        'GET',
        `/scheduler/jobs/${body.job_id}/runs`,
      );
      return runs.body.runs.some((r) => r.status !== 'running' && r.status !== 'queued');
    });
    await api(app.url, 'DELETE', `/scheduler/jobs/${body.job_id}`);
  });
});

describe('Redis full', () => {
  it('answers writes 507 naming maxmemory, keeps reads working, and works again once freed', async () => {
    const kept = await api<{ job_id: string }>(app.url, 'POST', '/scheduler/jobs', job('full'));
    const used = Number(/used_memory:(\d+)/.exec(await client.info('memory'))![1]);
    await client.config('SET', 'maxmemory', String(Math.max(1, used - 100_000)));
    try {
      for (const [method, path, body] of [
        ['POST', '/scheduler/jobs', job('refused')],
        ['PUT', `/scheduler/jobs/${kept.body.job_id}`, { name: 'refused' }],
        ['POST', `/scheduler/jobs/${kept.body.job_id}/stop`, undefined],
        ['POST', `/scheduler/jobs/${kept.body.job_id}/run`, undefined],
      ] as const) {
        const res = await call(method, path, body);
        expect(res, path).not.toBe('timeout');
        if (res === 'timeout') continue;
        expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(507);
        expect(res.body.code).toBe('INSUFFICIENT_STORAGE');
        expect(res.body.message).toMatch(/maxmemory reached/);
        expect(res.body.message).not.toMatch(/script|OOM command/);
      }
      const trpc = await fetch(`${app.url}/api/trpc/jobs.create`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(job('refused')),
      });
      expect(trpc.status).toBe(507);
      expect(await trpc.text()).toMatch(/maxmemory reached/);
      // Reads keep working.
      for (const path of [
        '/scheduler/jobs',
        `/scheduler/jobs/${kept.body.job_id}`,
        `/scheduler/jobs/${kept.body.job_id}/runs`,
        '/scheduler/status',
        '/scheduler/dashboard',
      ]) {
        const res = await call('GET', path);
        expect(res !== 'timeout' && res.status, path).toBe(200);
      }
    } finally {
      await client.config('SET', 'maxmemory', '0');
    }
    const listed = await api<{ jobs: { name: string }[] }>(
      app.url,
      'GET',
      '/scheduler/jobs?q=refused',
    );
    expect(listed.body.jobs).toEqual([]);
    expect((await api(app.url, 'POST', '/scheduler/jobs', job('fine again'))).status).toBe(201);
  });
});
