/**
 * The seed's end-to-end scenario and every endpoint of its "Test API Endpoints", over HTTP
 * against the real server process, with the seed's redis-cli checks.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type AppProcess } from './support/app-server';
import { startTestRedis, type TestRedis } from './support/redis-server';
import { isNextDailyOccurrence, wallTime } from './support/time';

const exec = promisify(execFile);
let redis: TestRedis;
let app: AppProcess;

async function redisCli(...args: string[]): Promise<string> {
  const { stdout } = await exec('redis-cli', ['-p', String(redis.port), ...args]);
  return stdout.trim();
}

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${app.url}${path}`, {
    method,
    ...(body !== undefined && {
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

beforeAll(async () => {
  redis = await startTestRedis();
  app = await startApp({ env: { REDIS_URL: redis.url, SCHEDULER_TIMEZONE: 'America/New_York' } });
});

afterAll(async () => {
  await app?.stop();
  await redis?.stop();
});

describe('the seed scenario', () => {
  it('logs the seed lines at start', async () => {
    // The server answers once it listens; the scheduler starts just after.
    await app.waitForLog(/Scheduler loop started/);
    expect(app.logs.some((l) => l.includes('Job scheduler started'))).toBe(true);
    expect(app.logs.some((l) => l.includes('Scheduler loop started'))).toBe(true);
  });

  it('creates, reads, updates, stops, starts and deletes a job as the seed does', async () => {
    const created = await call('POST', '/scheduler/jobs', {
      name: 'Daily FAANG Stocks',
      stock_ids: ['META', 'AAPL', 'AMZN', 'NFLX', 'GOOGL'],
      schedule_time: '17:00',
    });
    expect(created.status).toBe(201);
    expect(created.body.message).toBe('Job created successfully');
    const jobId: string = created.body.job_id;
    expect(jobId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    const list = await call('GET', '/scheduler/jobs');
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(1);
    expect(list.body.jobs[0].job_id).toBe(jobId);

    const got = await call('GET', `/scheduler/jobs/${jobId}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      job_id: jobId,
      name: 'Daily FAANG Stocks',
      stock_ids: ['META', 'AAPL', 'AMZN', 'NFLX', 'GOOGL'],
      schedule_time: '17:00',
      schedule: { kind: 'daily', times: ['17:00'] },
      timezone: 'America/New_York',
      lookback_days: 30,
      is_active: true,
      status: 'pending',
      last_run: null,
      last_run_status: null,
      task: 'fetch',
      analysis: null,
    });
    const next = new Date(got.body.next_run);
    expect(next.getTime()).toBeGreaterThan(Date.now());
    // 17:00 in New York is 21:00Z or 22:00Z depending on DST.
    expect([21, 22]).toContain(next.getUTCHours());

    // Verify Job Storage in Redis, as the seed's redis-cli steps do.
    const keysOut = (await redisCli('KEYS', 'scheduler:*')).split('\n');
    expect(keysOut).toContain(`scheduler:job:${jobId}`);
    expect(keysOut).toContain('scheduler:job_index');
    expect(JSON.parse(await redisCli('GET', `scheduler:job:${jobId}`))).toEqual(got.body);
    expect(JSON.parse(await redisCli('GET', 'scheduler:job_index'))).toEqual([jobId]);

    const status = await call('GET', '/scheduler/status');
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      running: true,
      active_jobs: 1,
      total_jobs: 1,
      max_concurrent_jobs: 3,
    });
    expect(status.body.next_run).toEqual({ job_id: jobId, at: got.body.next_run });
    expect(status.body.instances.length).toBeGreaterThanOrEqual(1);

    const updated = await call('PUT', `/scheduler/jobs/${jobId}`, {
      schedule_time: '18:00',
      stock_ids: ['AAPL', 'MSFT', 'GOOGL'],
    });
    expect(updated.status).toBe(200);
    expect(updated.body.message).toBe('Job updated successfully');
    expect(updated.body.job.stock_ids).toEqual(['AAPL', 'MSFT', 'GOOGL']);
    expect(updated.body.job.schedule_time).toBe('18:00');
    // Next 18:00 in New York: today or tomorrow depending on when this runs.
    expect(wallTime(updated.body.job.next_run, 'America/New_York')).toBe('18:00');
    expect(isNextDailyOccurrence(updated.body.job.next_run, '18:00', 'America/New_York')).toBe(
      true,
    );

    // The seed's curl -X POST without a body or a content type.
    const stop = await fetch(`${app.url}/scheduler/jobs/${jobId}/stop`, { method: 'POST' });
    expect(stop.status).toBe(200);
    expect(await stop.json()).toEqual({ message: 'Job stopped successfully', job_id: jobId });
    const stopped = await call('GET', `/scheduler/jobs/${jobId}`);
    expect(stopped.body.is_active).toBe(false);
    expect(stopped.body.next_run).toBeNull();
    expect(await redisCli('ZSCORE', 'scheduler:due', jobId)).toBe('');
    expect((await call('POST', `/scheduler/jobs/${jobId}/stop`)).status).toBe(200);

    const start = await fetch(`${app.url}/scheduler/jobs/${jobId}/start`, { method: 'POST' });
    expect(start.status).toBe(200);
    expect(await start.json()).toEqual({ message: 'Job started successfully', job_id: jobId });
    const started = await call('GET', `/scheduler/jobs/${jobId}`);
    expect(started.body.is_active).toBe(true);
    expect(started.body.next_run).toBe(updated.body.job.next_run);

    const dashboard = await call('GET', '/scheduler/dashboard');
    expect(dashboard.status).toBe(200);
    expect(dashboard.body.summary).toMatchObject({ total: 1, active: 1 });
    expect(dashboard.body.jobs[0].job_id).toBe(jobId);

    const deleted = await fetch(`${app.url}/scheduler/jobs/${jobId}`, { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toEqual({ message: 'Job deleted successfully', job_id: jobId });
    expect(await redisCli('GET', `scheduler:job:${jobId}`)).toBe('');
    expect(await redisCli('GET', 'scheduler:job_index')).toBe('[]');
    expect((await call('GET', `/scheduler/jobs/${jobId}`)).status).toBe(404);
  });

  it('serves the OpenAPI document and health checks', async () => {
    const doc = await call('GET', '/api/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\.1/);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/scheduler/jobs',
        '/scheduler/jobs/{job_id}',
        '/scheduler/status',
        '/scheduler/data/{symbol}',
      ]),
    );
    expect((await call('GET', '/healthz')).status).toBe(200);
    expect((await call('GET', '/readyz')).body).toEqual({ status: 'ready' });
  });

  it('lists with limit, offset, q and active', async () => {
    // Start from no jobs, whatever an earlier test left behind.
    const before = await call('GET', '/scheduler/jobs');
    for (const job of before.body.jobs as { job_id: string }[]) {
      await call('DELETE', `/scheduler/jobs/${job.job_id}`);
    }
    const ids: string[] = [];
    for (const [name, symbols, active] of [
      ['Tech', ['AAPL', 'MSFT'], true],
      ['Banks', ['JPM', 'BAC'], false],
      ['Energy', ['XOM'], true],
    ] as const) {
      const res = await call('POST', '/scheduler/jobs', {
        name,
        stock_ids: symbols,
        schedule_time: '09:30',
        is_active: active,
      });
      ids.push(res.body.job_id);
    }
    const page = await call('GET', '/scheduler/jobs?limit=1&offset=1');
    expect(page.body.total).toBe(3);
    expect(page.body.jobs.map((j: { name: string }) => j.name)).toEqual(['Banks']);
    expect(
      (await call('GET', '/scheduler/jobs?q=msft')).body.jobs.map((j: { name: string }) => j.name),
    ).toEqual(['Tech']);
    expect((await call('GET', '/scheduler/jobs?q=ban')).body.total).toBe(1);
    expect(
      (await call('GET', '/scheduler/jobs?active=false')).body.jobs.map(
        (j: { name: string }) => j.name,
      ),
    ).toEqual(['Banks']);
    expect((await call('GET', '/scheduler/jobs?active=true')).body.total).toBe(2);
    for (const id of ids) await call('DELETE', `/scheduler/jobs/${id}`);
  });
});
